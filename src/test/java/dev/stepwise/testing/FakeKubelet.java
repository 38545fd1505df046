package dev.stepwise.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Plays the Job controller and kubelet on a bare API server: makes a Job's pod and moves it through
 * the states a real node would report.
 */
public final class FakeKubelet {
    private final KubernetesClient client;

    public FakeKubelet(KubernetesClient client) {
        this.client = client;
    }

    public Pod createPod(Job job) {
        var template = job.getSpec().getTemplate();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                    .withName(job.getMetadata().getName() + "-abcde")
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(template.getMetadata().getLabels())
                    .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
                    .withAnnotations(template.getMetadata().getAnnotations())
                    // as the Job controller does: the pod's controller is its Job, by UID
                    .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job")
                        .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        pod.getSpec().setNodeName("node-that-is-not-there");
        return client.resource(pod).create();
    }

    public void running(Pod pod) {
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                .withContainerStatuses(new ContainerStatusBuilder().withName("step").withReady(true)
                        .withImage(pod.getSpec().getContainers().get(0).getImage()).withImageID("")
                        .withRestartCount(0)
                        .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState().build())
                .build());
        client.resource(pod).updateStatus();
    }

    public void unschedulable(Pod pod, String message) {
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage(message).endCondition().build());
        client.resource(pod).updateStatus();
    }

    public void terminated(Pod pod, int exitCode, String terminationMessage) {
        Pod live = client.resource(pod).get();
        live.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName("step").withReady(false)
                        .withImage(pod.getSpec().getContainers().get(0).getImage()).withImageID("")
                        .withRestartCount(0)
                        .withNewState().withNewTerminated().withExitCode(exitCode)
                        .withReason(exitCode == 0 ? "Completed" : "Error").withMessage(terminationMessage)
                        .withStartedAt(now()).withFinishedAt(now()).endTerminated().endState().build())
                .build());
        client.resource(live).updateStatus();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
