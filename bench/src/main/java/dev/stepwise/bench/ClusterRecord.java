package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

/**
 * What the cluster itself says happened in the chaos namespace, from the harness's own watches:
 * every Job and pod ever seen (also those deleted since, so two pods for one attempt are counted
 * even when one is gone), and the last state of every Run. Times are the harness's clock when its
 * watch delivered the change. Nothing here asks the operator.
 */
final class ClusterRecord implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final class JobRec {
        final String uid;
        final String name;
        final String run;
        final String runUid;
        final String step;
        final int attempt;
        final long seenMs;
        volatile long finishedMs = -1;
        /** Complete, Failed, or null while running. */
        volatile String outcome;
        volatile boolean deleted;

        JobRec(Job j, long now) {
            uid = j.getMetadata().getUid();
            name = j.getMetadata().getName();
            Map<String, String> l = labels(j);
            run = l.get(Tracker.RUN_LABEL);
            step = l.get(Tracker.STEP_LABEL);
            attempt = parse(l.get(Tracker.ATTEMPT_LABEL));
            runUid = controllerUid(j);
            seenMs = now;
        }
    }

    static final class PodRec {
        final String uid;
        final String name;
        final String job;
        final String jobUid;
        final long seenMs;
        volatile String node;
        volatile String phase;
        volatile Integer exitCode;
        volatile long endedMs = -1;
        volatile boolean deleted;
        /** evicted or deleted when the harness did it (set by Faults). */
        volatile String injected;

        PodRec(Pod p, long now) {
            uid = p.getMetadata().getUid();
            name = p.getMetadata().getName();
            job = labels(p).get("job-name");
            jobUid = controllerUid(p);
            seenMs = now;
        }
    }

    static final class RunRec {
        final String name;
        volatile String uid;
        volatile JsonNode status;
        volatile long finishedMs = -1;
        volatile boolean deleted;

        RunRec(String name) {
            this.name = name;
        }

        String phase() {
            return status == null ? "" : status.path("phase").asText("");
        }

        boolean finished() {
            return Verdict.FINISHED.contains(phase());
        }
    }

    final Map<String, JobRec> jobs = new ConcurrentHashMap<>();
    final Map<String, PodRec> pods = new ConcurrentHashMap<>();
    final Map<String, RunRec> runs = new ConcurrentHashMap<>();
    /** When the operator was last seen doing something: a Run updated, a Job created. */
    final ConcurrentSkipListSet<Long> operatorActivity = new ConcurrentSkipListSet<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    /** A record nothing watches: what it knows is what {@code see*} and {@code *Gone} are told (the oracle's tests). */
    ClusterRecord() {
    }

    ClusterRecord(KubernetesClient client, String ns, Consumer<Pod> onNewPod) {
        informers.add(client.batch().v1().jobs().inNamespace(ns).inform(handler(j -> seeJob(j, System.currentTimeMillis()),
                this::jobGone), 0));
        informers.add(client.pods().inNamespace(ns).inform(handler(p -> {
            boolean isNew = !pods.containsKey(p.getMetadata().getUid());
            seePod(p, System.currentTimeMillis());
            if (isNew && onNewPod != null) {
                onNewPod.accept(p);
            }
        }, p -> podGone(p, System.currentTimeMillis())), 0));
        informers.add(client.genericKubernetesResources(Tracker.RUNS).inNamespace(ns).inform(handler(
                r -> seeRun(r, System.currentTimeMillis()), this::runGone), 0));
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> seen, Consumer<T> gone) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                seen.accept(obj);
            }

            @Override
            public void onUpdate(T old, T obj) {
                seen.accept(obj);
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                gone.accept(obj);
            }
        };
    }

    /** A Job added or changed, as the watch delivered it at {@code now}. */
    void seeJob(Job j, long now) {
        JobRec r = jobs.computeIfAbsent(j.getMetadata().getUid(), u -> {
            operatorActivity.add(now);
            return new JobRec(j, now);
        });
        if (r.outcome == null && j.getStatus() != null && j.getStatus().getConditions() != null) {
            for (JobCondition c : j.getStatus().getConditions()) {
                if ("True".equals(c.getStatus()) && ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))) {
                    r.outcome = c.getType();
                    r.finishedMs = now;
                }
            }
        }
    }

    void jobGone(Job j) {
        JobRec r = jobs.get(j.getMetadata().getUid());
        if (r != null) {
            r.deleted = true;
        }
    }

    /** A pod added or changed, as the watch delivered it at {@code now}. */
    void seePod(Pod p, long now) {
        PodRec r = pods.computeIfAbsent(p.getMetadata().getUid(), u -> new PodRec(p, now));
        if (p.getSpec() != null && p.getSpec().getNodeName() != null) {
            r.node = p.getSpec().getNodeName();
        }
        if (p.getStatus() == null) {
            return;
        }
        r.phase = p.getStatus().getPhase();
        if (p.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                if ("step".equals(cs.getName()) || p.getStatus().getContainerStatuses().size() == 1) {
                    if (cs.getState() != null && cs.getState().getTerminated() != null) {
                        r.exitCode = cs.getState().getTerminated().getExitCode();
                    }
                }
            }
        }
        if (r.endedMs < 0 && ("Succeeded".equals(r.phase) || "Failed".equals(r.phase))) {
            r.endedMs = now;
        }
    }

    /** A pod deleted: its last state still counts (an exit code seen only in the delete). */
    void podGone(Pod p, long now) {
        seePod(p, now);
        pods.get(p.getMetadata().getUid()).deleted = true;
    }

    /** A Run added or changed, as the watch delivered it at {@code now}. */
    void seeRun(GenericKubernetesResource run, long now) {
        RunRec r = runs.computeIfAbsent(run.getMetadata().getName(), RunRec::new);
        if (r.uid != null && !r.uid.equals(run.getMetadata().getUid())) {
            return; // another Run of that name: chaos/run never re-creates one
        }
        r.uid = run.getMetadata().getUid();
        Object status = run.getAdditionalProperties().get("status");
        if (status != null) {
            JsonNode s = JSON.valueToTree(status);
            if (!s.equals(r.status)) {
                operatorActivity.add(now);
            }
            r.status = s;
            if (r.finishedMs < 0 && r.finished()) {
                r.finishedMs = now;
            }
        }
    }

    void runGone(GenericKubernetesResource run) {
        RunRec rec = runs.get(run.getMetadata().getName());
        if (rec != null && run.getMetadata().getUid().equals(rec.uid)) {
            rec.deleted = true;
        }
    }

    /** The first sign of the operator at work at or after {@code ms}, or -1. */
    long activitySince(long ms) {
        Long t = operatorActivity.ceiling(ms);
        return t == null ? -1 : t;
    }

    /** The first Job created after {@code ms} for a step whose pod was on a lost node, or -1. */
    long retriedAfterNodeLoss(long ms) {
        java.util.Set<String> lostJobs = new java.util.HashSet<>();
        pods.values().stream().filter(p -> "node lost".equals(p.injected)).forEach(p -> lostJobs.add(p.jobUid));
        java.util.Set<String> steps = new java.util.HashSet<>();
        jobs.values().stream().filter(j -> lostJobs.contains(j.uid)).forEach(j -> steps.add(j.runUid + "/" + j.step));
        return jobs.values().stream().filter(j -> j.seenMs > ms && steps.contains(j.runUid + "/" + j.step))
                .mapToLong(j -> j.seenMs).min().orElse(-1);
    }

    private static Map<String, String> labels(HasMetadata o) {
        return o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
    }

    private static String controllerUid(HasMetadata o) {
        if (o.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference ref : o.getMetadata().getOwnerReferences()) {
                if (Boolean.TRUE.equals(ref.getController())) {
                    return ref.getUid();
                }
            }
        }
        return null;
    }

    private static int parse(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
