package dev.stepwise.kube;

import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.run.steps.ObservedJob.State;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table from what Kubernetes (1.34) reports of a Job and its pod to what the attempt is. Each row
 * is one thing a real cluster does; the quirks relied on are named in the row.
 */
class JobObserverTest {

    /** One row: a Job (its conditions), its pod (or none), and what the attempt must read as. */
    record Row(String what, Job job, Pod pod, String failedCreate,
               State state, boolean started, Integer exitCode, String reason, String message, boolean disrupted) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Row> table() {
        List<Row> rows = new ArrayList<>();
        // ---- pending
        rows.add(new Row("Job created, no pod yet", job(), null, null, State.ACTIVE, false, null, null, null, false));
        rows.add(new Row("pod created, being scheduled", job(), pod("Pending").build(), null, State.ACTIVE, false, null, null, null, false));
        rows.add(new Row("pod unschedulable (PodScheduled False)", job(),
                pod("Pending").conditions(podCond("PodScheduled", "False", "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu.")).build(),
                null, State.ACTIVE, false, null, "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu.", false));
        rows.add(new Row("ContainerCreating is routine: nothing to show", job(),
                pod("Pending").containers(waiting("step", "ContainerCreating", null)).build(),
                null, State.ACTIVE, false, null, null, null, false));
        rows.add(new Row("image cannot be pulled", job(),
                pod("Pending").containers(waiting("step", "ImagePullBackOff", "Back-off pulling image \"nope:1\"")).build(),
                null, State.ACTIVE, false, null, "ImagePullBackOff", "Back-off pulling image \"nope:1\"", false));
        rows.add(new Row("ErrImagePull before the back-off", job(),
                pod("Pending").containers(waiting("step", "ErrImagePull", "not found")).build(),
                null, State.ACTIVE, false, null, "ErrImagePull", "not found", false));
        rows.add(new Row("a Secret in envFrom is missing", job(),
                pod("Pending").containers(waiting("step", "CreateContainerConfigError", "secret \"db\" not found")).build(),
                null, State.ACTIVE, false, null, "CreateContainerConfigError", "secret \"db\" not found", false));
        rows.add(new Row("the clone init container waits for its image", job(),
                pod("Pending").init(waiting("clone", "ImagePullBackOff", "git image")).build(),
                null, State.ACTIVE, false, null, "ImagePullBackOff", "git image", false));
        rows.add(new Row("the Job controller cannot create the pod (Pod Security, quota on pods): its FailedCreate event", job(), null,
                "Error creating: pods \"j-x\" is forbidden: violates PodSecurity \"restricted:latest\"",
                State.ACTIVE, false, null, "FailedCreate", "Error creating: pods \"j-x\" is forbidden: violates PodSecurity \"restricted:latest\"", false));
        rows.add(new Row("running", job(), pod("Running").containers(running("step")).build(),
                null, State.ACTIVE, true, null, null, null, false));
        rows.add(new Row("being evicted through the Eviction API (still terminating): lost already", job(),
                pod("Running").containers(running("step"))
                        .conditions(podCond("DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting")).build(),
                null, State.ACTIVE, true, null, "EvictionByEvictionAPI", "Eviction API: evicting", true));
        rows.add(new Row("being deleted, its container still running; the Job already counts the pod failed: not decided yet",
                job(cond("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")),
                pod("Running").deleting().containers(running("step")).build(),
                null, State.ACTIVE, true, null, "Terminating", "the pod is being deleted; waiting for its container to end", false));
        rows.add(new Row("being evicted, container still running, the Job already failed: not decided yet, disruption noted",
                job(cond("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")),
                pod("Running").deleting().containers(running("step"))
                        .conditions(podCond("DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting")).build(),
                null, State.ACTIVE, true, null, "EvictionByEvictionAPI", "Eviction API: evicting", true));
        // ---- failed, though the Job controller has not said so yet
        rows.add(new Row("the Job counts its pod failed and runs none, but has no Failed condition (a Job controller that "
                + "lost an update after an API server restart): failed, the pod gone after its eviction", countedFailed(),
                null, null, State.FAILED, true, null, "PodDeleted", "the pod was deleted before it finished", false));
        // ---- succeeded
        rows.add(new Row("evicted as its container exited 0: the work is done (a free retry would run it twice)",
                job(cond("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")),
                pod("Failed").conditions(podCond("DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting"))
                        .containers(terminated("step", 0, "Completed", null)).build(),
                null, State.SUCCEEDED, true, 0, "Completed", null, false));
        rows.add(new Row("deleted as it finished: pod Succeeded, the Job counted it failed",
                job(cond("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")),
                pod("Succeeded").deleting().containers(terminated("step", 0, "Completed", null)).build(),
                null, State.SUCCEEDED, true, 0, "Completed", null, false));
        rows.add(new Row("pod Succeeded before the Job controller marks the Job (hand-off does not wait)", job(),
                pod("Succeeded").containers(terminated("step", 0, "Completed", "rows=42")).build(),
                null, State.SUCCEEDED, true, 0, "Completed", null, false));
        rows.add(new Row("Job Complete, pod already gone", job(cond("Complete", "True", null, null)), null,
                null, State.SUCCEEDED, true, 0, "Completed", null, false));
        rows.add(new Row("1.31+: SuccessCriteriaMet comes before Complete", job(cond("SuccessCriteriaMet", "True", null, null)), null,
                null, State.SUCCEEDED, true, 0, "Completed", null, false));
        // ---- failed
        rows.add(new Row("container exits 3", job(), pod("Failed").containers(terminated("step", 3, "Error", null)).build(),
                null, State.FAILED, true, 3, "Error", null, false));
        rows.add(new Row("OOMKilled", job(), pod("Failed").containers(terminated("step", 137, "OOMKilled", null)).build(),
                null, State.FAILED, true, 137, "OOMKilled", null, false));
        rows.add(new Row("activeDeadlineSeconds: the Job's DeadlineExceeded, even with the pod killed", job(cond("Failed", "True", "DeadlineExceeded", "Job was active longer than specified deadline")),
                pod("Failed").containers(terminated("step", 137, "Error", null)).build(),
                null, State.FAILED, true, 137, "DeadlineExceeded", "Job was active longer than specified deadline", false));
        rows.add(new Row("1.31+: FailureTarget comes before Failed; the pod tells the exit code",
                job(cond("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")),
                pod("Failed").containers(terminated("step", 1, "Error", null)).build(),
                null, State.FAILED, true, 1, "Error", null, false));
        rows.add(new Row("the repository clone failed", job(), pod("Failed")
                .init(terminated("clone", 128, "Error", null)).build(),
                null, State.FAILED, true, 128, "CloneFailed", "cloning the repository failed: exit code 128", false));
        rows.add(new Row("the clone failed and said why (FallbackToLogsOnError: git's last log lines)", job(), pod("Failed")
                .init(terminated("clone", 128, "Error",
                        "Cloning into '/workspace'...\nfatal: Authentication failed for 'http://10.88.0.7:8080/git/demo.git/'\n")).build(),
                null, State.FAILED, true, 128, "CloneFailed",
                "cloning the repository failed: exit code 128: Cloning into '/workspace'...; "
                        + "fatal: Authentication failed for 'http://10.88.0.7:8080/git/demo.git/'", false));
        rows.add(new Row("the clone was OOMKilled", job(), pod("Failed")
                .init(terminated("clone", 137, "OOMKilled", null)).build(),
                null, State.FAILED, true, 137, "CloneFailed", "cloning the repository failed (OOMKilled): exit code 137", false));
        rows.add(new Row("evicted through the Eviction API: a real disruption", job(),
                pod("Failed").reason("Evicted").message("Evicted by the Eviction API")
                        .conditions(podCond("DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting"))
                        .containers(terminated("step", 137, "Error", null)).build(),
                null, State.FAILED, true, 137, "EvictionByEvictionAPI", "Eviction API: evicting", true));
        rows.add(new Row("preempted by a higher-priority pod", job(),
                pod("Failed").conditions(podCond("DisruptionTarget", "True", "PreemptionByScheduler", "preempted")).build(),
                null, State.FAILED, true, null, "PreemptionByScheduler", "preempted", true));
        rows.add(new Row("its node was lost: the pod GC marks and deletes it", job(),
                pod("Failed").conditions(podCond("DisruptionTarget", "True", "DeletionByPodGC", "PodGC: node no longer exists")).build(),
                null, State.FAILED, true, null, "DeletionByPodGC", "PodGC: node no longer exists", true));
        rows.add(new Row("node pressure: the kubelet evicts (TerminationByKubelet): a disruption", job(),
                pod("Failed").reason("Evicted").message("The node was low on resource: memory.")
                        .conditions(podCond("DisruptionTarget", "True", "TerminationByKubelet", "The node was low on resource: memory.")).build(),
                null, State.FAILED, true, null, "TerminationByKubelet", "The node was low on resource: memory.", true));
        rows.add(new Row("over its own ephemeral-storage limit: the step's failure, not a disruption", job(),
                pod("Failed").reason("Evicted").message("Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.")
                        .conditions(podCond("DisruptionTarget", "True", "TerminationByKubelet", "Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.")).build(),
                null, State.FAILED, true, null, "Evicted", "Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.", false));
        rows.add(new Row("a container over its own storage limit, no condition", job(),
                pod("Failed").reason("Evicted").message("Container step exceeded its local ephemeral storage limit \"1Gi\". ").build(),
                null, State.FAILED, true, null, "Evicted", "Container step exceeded its local ephemeral storage limit \"1Gi\". ", false));
        rows.add(new Row("Job failed and its pod deleted by someone, no disruption seen", job(cond("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")), null,
                null, State.FAILED, true, null, "PodDeleted", "the pod was deleted before it finished", false));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void mapsWhatKubernetesReportsToTheAttempt(Row row) {
        ObservedJob seen = JobObserver.observe(row.job(), row.pod(), row.failedCreate(), "the log");

        assertThat(seen.state()).as("state").isEqualTo(row.state());
        assertThat(seen.podStarted()).as("pod started").isEqualTo(row.started());
        assertThat(seen.exitCode()).as("exit code").isEqualTo(row.exitCode());
        assertThat(seen.reason()).as("reason").isEqualTo(row.reason());
        assertThat(seen.message()).as("message").isEqualTo(row.message());
        assertThat(seen.disrupted()).as("disrupted").isEqualTo(row.disrupted());
        assertThat(seen.step()).isEqualTo("load");
        assertThat(seen.attempt()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void whatTheCacheKeepsOfAJobAndItsPodReadsTheSame(Row row) {
        Job full = new JobBuilder(row.job()).editMetadata().addNewManagedField().withManager("kube-controller-manager")
                .withOperation("Update").endManagedField().endMetadata()
                .editOrNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("step").withImage("busybox")
                .endContainer().endSpec().endTemplate().endSpec().build();
        Pod fullPod = row.pod() == null ? null : new PodBuilder(row.pod()).editMetadata().addNewManagedField()
                .withManager("kubelet").endManagedField().endMetadata()
                .withNewSpec().addNewContainer().withName("step").withImage("busybox").endContainer().endSpec().build();

        Job cachedJob = CacheTrim.job(new JobBuilder(full).build());
        Pod cachedPod = fullPod == null ? null : CacheTrim.pod(new PodBuilder(fullPod).build());

        assertThat(JobObserver.observe(cachedJob, cachedPod, row.failedCreate(), "the log"))
                .isEqualTo(JobObserver.observe(full, fullPod, row.failedCreate(), "the log"));
        assertThat(cachedJob.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cachedJob.getSpec().getTemplate()).isNull();
        assertThat(cachedJob.getSpec().getBackoffLimit()).isEqualTo(full.getSpec().getBackoffLimit());
        if (cachedPod != null) {
            assertThat(cachedPod.getSpec()).isNull();
            assertThat(cachedPod.getMetadata().getManagedFields()).isNullOrEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void tellsWhenThePodWasMadeAndWhenItsStepStartedRunning() {
        ObservedJob pending = JobObserver.observe(job(), pod("Pending").build(), null, null);
        assertThat(pending.podCreatedAt()).isEqualTo(java.time.Instant.parse("2026-01-01T10:00:01Z"));
        assertThat(pending.containerStartedAt()).isNull();

        ObservedJob running = JobObserver.observe(job(), pod("Running").containers(running("step")).build(), null, null);
        assertThat(running.containerStartedAt()).isEqualTo(java.time.Instant.parse("2026-01-01T10:00:02Z"));
    }

    @org.junit.jupiter.api.Test
    void aLongCloneFailureKeepsItsEnd() {
        String log = "x".repeat(1000) + "\nfatal: repository 'http://10.88.0.7/nope.git/' not found";
        ObservedJob seen = JobObserver.observe(job(), pod("Failed").init(terminated("clone", 128, "Error", log)).build(), null, null);

        assertThat(seen.message()).startsWith("cloning the repository failed: exit code 128: ...")
                .endsWith("fatal: repository 'http://10.88.0.7/nope.git/' not found")
                .hasSizeLessThan(JobObserver.CLONE_MESSAGE_CHARS + 60);
    }

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Timeout(value = 5, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aCloneFailureIsOneLineWhitespaceRunsWithABreakBecomingSemicolons() {
        assertThat(JobObserver.oneLine("fatal: a \n\t \r\nhint: b\tc  d\n")).isEqualTo("fatal: a; hint: b\tc  d; ");
        assertThat(JobObserver.oneLine(" ".repeat(1 << 20) + "x")).hasSize((1 << 20) + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void aPodIsLiveUntilItsPhaseIsTerminal(Row row) {
        if (row.pod() != null) {
            String phase = row.pod().getStatus().getPhase();
            assertThat(JobObserver.isLive(row.pod())).isEqualTo(!phase.equals("Succeeded") && !phase.equals("Failed"));
        }
    }

    /** backoffLimit 0, one failed pod counted, none active or terminating, no condition. */
    private static Job countedFailed() {
        Job j = job();
        j.setSpec(new io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder().withBackoffLimit(0).build());
        j.getStatus().setFailed(1);
        j.getStatus().setActive(0);
        j.getStatus().setTerminating(0);
        return j;
    }

    private static Job job(JobCondition... conditions) {
        return new JobBuilder().withNewMetadata().withName("etl-1-load-2").withNamespace("data")
                .withCreationTimestamp("2026-01-01T10:00:00Z")
                .addToLabels(Labels.STEP, "load").addToLabels(Labels.ATTEMPT, "2").endMetadata()
                .withNewStatus().withConditions(conditions).endStatus().build();
    }

    private static P pod(String phase) {
        return new P(phase);
    }

    /** A pod as the kubelet reports it. */
    private static final class P {
        private final PodBuilder b;

        P(String phase) {
            b = new PodBuilder().withNewMetadata().withName("etl-1-load-2-abcde").withCreationTimestamp("2026-01-01T10:00:01Z")
                    .endMetadata().withNewStatus().withPhase(phase).endStatus();
        }

        P conditions(PodCondition... c) {
            b.editStatus().withConditions(c).endStatus();
            return this;
        }

        P containers(ContainerStatus... c) {
            b.editStatus().withContainerStatuses(c).endStatus();
            return this;
        }

        P init(ContainerStatus... c) {
            b.editStatus().withInitContainerStatuses(c).endStatus();
            return this;
        }

        P deleting() {
            b.editMetadata().withDeletionTimestamp("2026-01-01T10:00:30Z").endMetadata();
            return this;
        }

        P reason(String r) {
            b.editStatus().withReason(r).endStatus();
            return this;
        }

        P message(String m) {
            b.editStatus().withMessage(m).endStatus();
            return this;
        }

        Pod build() {
            return b.build();
        }
    }

    private static PodCondition podCond(String type, String status, String reason, String message) {
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build();
    }

    private static JobCondition cond(String type, String status, String reason, String message) {
        return new JobConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build();
    }

    private static ContainerStatus waiting(String name, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason).withMessage(message)
                .endWaiting().endState().build();
    }

    private static ContainerStatus running(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewRunning().withStartedAt("2026-01-01T10:00:02Z")
                .endRunning().endState().build();
    }

    private static ContainerStatus terminated(String name, int code, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(code).withReason(reason)
                .withMessage(message).withFinishedAt("2026-01-01T10:00:09Z").endTerminated().endState().build();
    }
}
