package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pinned means pinned: deleting a Workflow lets its running Runs finish on their revision (kept until
 * then), and a Workflow created again under the name never hands out the old revisions.
 */
class PinnedRevisionE2E extends OperatorE2E {
    private static String workflow(String word) {
        return """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: pinned}
                spec:
                  defaults: {image: busybox:1.36}
                  steps:
                    - {name: first, command: [sh, -c, 'sleep 5; echo WORD-1']}
                    - {name: second, dependsOn: [first], command: [sh, -c, 'echo WORD-2']}
                """.replace("WORD", word);
    }

    private static String run(String name) {
        return """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: NAME}
                spec: {workflowRef: {name: pinned}}
                """.replace("NAME", name);
    }

    @Test
    void deletingAWorkflowMidRunLetsTheRunFinishOnItsPinnedRevision() {
        ns = E2eCluster.createNamespace(client, "e2e-pinned");
        E2eCluster.applyYaml(client, workflow("old"), ns);
        E2eCluster.applyYaml(client, run("before"), ns);
        await("step first runs").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                client.batch().v1().jobs().inNamespace(ns).withName("before-first-1").get() != null);

        client.resources(WorkflowResource.class).inNamespace(ns).withName("pinned").delete();
        await("the garbage collector drops the Workflow's reference; the Run's keeps the revision").atMost(Duration.ofSeconds(30)).until(() -> {
            WorkflowRevision r = client.resources(WorkflowRevision.class).inNamespace(ns).withName("pinned-r1").get();
            return r != null && r.getMetadata().getDeletionTimestamp() == null && r.getMetadata().getFinalizers().isEmpty()
                    && r.getMetadata().getOwnerReferences().stream().map(o -> o.getKind() + "/" + o.getName()).toList().equals(java.util.List.of("Run/before"));
        });
        // created again at once, with other content
        E2eCluster.applyYaml(client, workflow("new"), ns);

        Run before = new RunWatch(client, ns, "before").awaitFinished(operator);
        assertThat(before.getStatus().phase).as(before.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(before.getStatus().revision).isEqualTo("pinned-r1");
        assertThat(before.getStatus().steps.get(1).attempts.get(0).logs).contains("old-2");

        await("the new Workflow publishes a revision of its own").atMost(Duration.ofSeconds(30)).until(() -> {
            WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(ns).withName("pinned").get();
            return wf != null && wf.getStatus() != null && wf.getStatus().currentRevision != null;
        });
        WorkflowResource recreated = client.resources(WorkflowResource.class).inNamespace(ns).withName("pinned").get();
        assertThat(recreated.getStatus().currentRevision).as("never the old r1").isEqualTo("pinned-r2");
        await("the old revision goes once its Run finished").atMost(Duration.ofSeconds(45)).until(() ->
                client.resources(WorkflowRevision.class).inNamespace(ns).withName("pinned-r1").get() == null);

        E2eCluster.applyYaml(client, run("after"), ns);
        Run after = new RunWatch(client, ns, "after").awaitFinished(operator);
        assertThat(after.getStatus().phase).as(after.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(after.getStatus().revision).isEqualTo("pinned-r2");
        assertThat(after.getStatus().steps.get(1).attempts.get(0).logs).contains("new-2");
    }
}
