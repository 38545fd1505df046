package dev.stepwise.reconcile;

import dev.stepwise.kube.CacheTrim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPodsBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The old copy is always the cache's trimmed one, the new one as the API server sends it. */
class ChangesThatMatterTest {
    private static Job job() {
        return new JobBuilder().withNewMetadata().withName("r-a-1").withNamespace("ns").withUid("j1").withResourceVersion("10")
                .addToLabels("stepwise.dev/run", "r").addToFinalizers("batch.kubernetes.io/job-tracking")
                .addNewOwnerReference().withKind("Run").withName("r").withUid("r1").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().addNewContainer().withName("main").withImage("busybox")
                .endContainer().endSpec().endTemplate().endSpec()
                .withNewStatus().withActive(1).withReady(0).withStartTime("2026-11-26T10:00:00Z").endStatus().build();
    }

    private static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("r-a-1-xyz").withNamespace("ns").withUid("p1").withResourceVersion("11")
                .addToLabels("job-name", "r-a-1").addToAnnotations("stepwise.dev/run", "r")
                .addToFinalizers("batch.kubernetes.io/job-tracking").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").endStatus().build();
    }

    private static boolean jobChange(UnaryOperator<JobBuilder> change) {
        Job before = job();
        return ChangesThatMatter.job(change.apply(new JobBuilder(before)).build(), CacheTrim.job(job()));
    }

    private static boolean podChange(UnaryOperator<PodBuilder> change) {
        return ChangesThatMatter.pod(change.apply(new PodBuilder(pod())).build(), CacheTrim.pod(pod()));
    }

    @Test
    void bookkeepingTheRunControllerNeverReadsWakesNoRun() {
        assertThat(jobChange(b -> b)).as("the same Job, trimmed against full").isFalse();
        assertThat(jobChange(b -> b.editMetadata().withResourceVersion("12").endMetadata())).isFalse();
        assertThat(jobChange(b -> b.editMetadata().withFinalizers(List.of()).endMetadata())).isFalse();
        assertThat(jobChange(b -> b.editStatus().withReady(1).endStatus())).isFalse();
        assertThat(jobChange(b -> b.editStatus().withUncountedTerminatedPods(
                new UncountedTerminatedPodsBuilder().withSucceeded("p1").build()).endStatus())).isFalse();
        assertThat(podChange(b -> b)).as("the same pod, trimmed against full").isFalse();
        assertThat(podChange(b -> b.editMetadata().withFinalizers(List.of()).withResourceVersion("13").endMetadata()))
                .as("the Job controller's tracking finalizer removed").isFalse();
        assertThat(podChange(b -> b.editSpec().withNodeName("kwok-node-0").endSpec())).as("the scheduler's binding").isFalse();
    }

    @Test
    void whatTheJobObserverReadsWakesTheRun() {
        assertThat(jobChange(b -> b.editStatus().withActive(0).endStatus())).isTrue();
        assertThat(jobChange(b -> b.editStatus().withSucceeded(1).endStatus())).isTrue();
        assertThat(jobChange(b -> b.editStatus().withFailed(1).endStatus())).isTrue();
        assertThat(jobChange(b -> b.editStatus().withTerminating(1).endStatus())).isTrue();
        assertThat(jobChange(b -> b.editStatus().withCompletionTime("2026-11-26T10:00:05Z").endStatus())).isTrue();
        assertThat(jobChange(b -> b.editStatus().addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus())).isTrue();
        assertThat(jobChange(b -> b.withStatus(null))).isTrue();
        assertThat(jobChange(b -> b.editSpec().withBackoffLimit(1).endSpec())).isTrue();
        assertThat(jobChange(b -> b.editMetadata().withDeletionTimestamp("2026-11-26T10:00:06Z").endMetadata())).isTrue();
        assertThat(jobChange(b -> b.editMetadata().addToLabels("stepwise.dev/step", "a").endMetadata())).isTrue();
        assertThat(jobChange(b -> b.editMetadata().withOwnerReferences(List.of()).endMetadata())).isTrue();
        assertThat(jobChange(b -> b.editMetadata().withUid("j2").endMetadata())).as("a Job of the same name re-created").isTrue();
    }

    @Test
    void anyChangeOfThePodsStatusWakesTheRun() {
        assertThat(podChange(b -> b.editStatus().withPhase("Running").endStatus())).isTrue();
        assertThat(podChange(b -> b.editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").endCondition().endStatus())).isTrue();
        assertThat(podChange(b -> b.editStatus().addNewContainerStatus().withName("main").withNewState().withNewTerminated()
                .withExitCode(3).endTerminated().endState().endContainerStatus().endStatus())).isTrue();
        assertThat(podChange(b -> b.editMetadata().withDeletionTimestamp("2026-11-26T10:00:06Z").endMetadata())).isTrue();
        assertThat(podChange(b -> b.editMetadata().addToAnnotations("stepwise.dev/run", "other").endMetadata())).isTrue();
    }
}
