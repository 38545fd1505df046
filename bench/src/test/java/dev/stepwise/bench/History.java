package dev.stepwise.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A recorded chaos-run history for the oracle's tests: the Runs the harness submitted, and the
 * Fabric8 objects the watches would have delivered, fed to a {@link ClusterRecord} nothing watches.
 * Uids are the name with a kind prefix, so a Job's owner is {@code run-uid-<run>} and a pod's
 * {@code job-uid-<job>}.
 */
final class History {
    final ClusterRecord rec = new ClusterRecord();
    final List<Verdict.Submitted> submitted = new ArrayList<>();
    final Map<String, Integer> auditCreates = new TreeMap<>();

    History submit(String run, String workflow, String expectedPhase, long atMs) {
        submitted.add(new Verdict.Submitted(run, workflow, expectedPhase, atMs));
        return this;
    }

    /** The Run as its watch delivered it at {@code atMs}, with {@code status} (null: none yet). */
    History run(String name, long atMs, Map<String, Object> status) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("stepwise.dev/v1alpha1");
        r.setKind("Run");
        r.setMetadata(new ObjectMetaBuilder().withName(name).withUid("run-uid-" + name).build());
        if (status != null) {
            r.setAdditionalProperty("status", status);
        }
        rec.seeRun(r, atMs);
        return this;
    }

    History runDeleted(String name) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setMetadata(new ObjectMetaBuilder().withName(name).withUid("run-uid-" + name).build());
        rec.runGone(r);
        return this;
    }

    /** A Job of {@code run}'s {@code step} attempt seen at {@code seenMs}, and if {@code outcome} is not null, finished so at {@code endMs}. */
    History job(String name, String run, String step, int attempt, long seenMs, String outcome, long endMs) {
        rec.seeJob(job(name, run, step, attempt, null), seenMs);
        if (outcome != null) {
            rec.seeJob(job(name, run, step, attempt, outcome), endMs);
        }
        return this;
    }

    static Job job(String name, String run, String step, int attempt, String outcome) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName(name).withUid("job-uid-" + name)
                .addToLabels(Tracker.RUN_LABEL, run).addToLabels(Tracker.STEP_LABEL, step)
                .addToLabels(Tracker.ATTEMPT_LABEL, String.valueOf(attempt))
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("stepwise.dev/v1alpha1").withKind("Run")
                        .withName(run).withUid("run-uid-" + run).withController(true).build())
                .endMetadata();
        if (outcome != null) {
            b.withNewStatus().addNewCondition().withType(outcome).withStatus("True").endCondition().endStatus();
        }
        return b.build();
    }

    /** A pod of {@code job} whose step container ended with {@code exitCode} (null: never seen terminated). */
    History pod(String name, String job, Integer exitCode, long atMs) {
        rec.seePod(pod(name, job, exitCode), atMs);
        return this;
    }

    /** A pod the harness evicted or deleted ({@code injected}), as Faults marks it. */
    History injectedPod(String name, String job, Integer exitCode, long atMs, String injected) {
        Pod p = pod(name, job, exitCode);
        rec.podGone(p, atMs);
        rec.pods.get(p.getMetadata().getUid()).injected = injected;
        return this;
    }

    static Pod pod(String name, String job, Integer exitCode) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withUid("pod-uid-" + name).addToLabels("job-name", job)
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(job)
                        .withUid("job-uid-" + job).withController(true).build())
                .endMetadata().withNewSpec().withNodeName("kwok-node-0").endSpec();
        if (exitCode == null) {
            b.withNewStatus().withPhase("Running").endStatus();
        } else {
            b.withNewStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed").addNewContainerStatus().withName("step")
                    .withNewState().withNewTerminated().withExitCode(exitCode).endTerminated().endState().endContainerStatus()
                    .endStatus();
        }
        return b.build();
    }

    History auditCreates(String job, int times) {
        auditCreates.put(job, times);
        return this;
    }

    Verdict judge(long nowMs, long stuckAfterMs) {
        return Verdict.judge(submitted, rec, auditCreates, nowMs, stuckAfterMs);
    }

    // ---------------------------------------------------------------- Run status, as the operator writes it

    static Map<String, Object> status(String phase, String message, Map<?, ?>... steps) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("phase", phase);
        if (message != null) {
            s.put("message", message);
        }
        s.put("steps", List.of(steps));
        return s;
    }

    static Map<String, Object> step(String name, String phase, Map<?, ?>... attempts) {
        return Map.of("name", name, "phase", phase, "attempts", List.of(attempts));
    }

    /** An attempt that ran Job {@code job}; {@code exitCode} and {@code reason} may be null (not in the status). */
    static Map<String, Object> attempt(int number, String job, Integer exitCode, String reason) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("number", number);
        a.put("job", job);
        if (exitCode != null) {
            a.put("exitCode", exitCode);
        }
        if (reason != null) {
            a.put("reason", reason);
        }
        return a;
    }
}
