package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Job belongs to a Run by UID, never by name: a Run deleted and created again under its name (what
 * kubectl replace --force and GitOps tools do) runs every step again, and two Runs whose
 * {@code <run>-<step>} names read alike never share a Job.
 */
class OwnershipE2E extends OperatorE2E {
    private static final String WORKFLOW = """
            apiVersion: stepwise.dev/v1alpha1
            kind: Workflow
            metadata: {name: slow}
            spec:
              defaults: {image: busybox:1.36}
              steps:
                - name: work
                  command: [sh, -c, 'echo "ran in $HOSTNAME"; sleep 6']
            """;
    private static final String RUN = """
            apiVersion: stepwise.dev/v1alpha1
            kind: Run
            metadata: {name: again}
            spec: {workflowRef: {name: slow}}
            """;

    @Test
    void aRunDeletedAndCreatedAgainUnderItsNameRunsEveryStepAgain() {
        ns = E2eCluster.createNamespace(client, "e2e-recreate");
        E2eCluster.applyYaml(client, WORKFLOW, ns);
        E2eCluster.applyYaml(client, RUN, ns);
        await("the first Run's pod runs").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                client.pods().inNamespace(ns).withLabel("stepwise.dev/run", "again").list().getItems().stream()
                        .anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
        String oldUid = client.resources(Run.class).inNamespace(ns).withName("again").get().getMetadata().getUid();
        String oldPod = client.pods().inNamespace(ns).withLabel("stepwise.dev/run", "again").list().getItems().get(0)
                .getMetadata().getName();

        // mid-run: delete (background, as kubectl does) and apply the same Run again at once
        client.resources(Run.class).inNamespace(ns).withName("again").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Run r = client.resources(Run.class).inNamespace(ns).withName("again").get();
            return r == null || !r.getMetadata().getUid().equals(oldUid);
        });
        E2eCluster.applyYaml(client, RUN, ns);

        Run run = new RunWatch(client, ns, "again").awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getMetadata().getUid()).isNotEqualTo(oldUid);
        var attempt = run.getStatus().steps.get(0).attempts.get(0);
        assertThat(attempt.pod).as("a pod of its own, not the old Run's").isNotEqualTo(oldPod);
        assertThat(attempt.logs).contains("ran in ").doesNotContain(oldPod);
        List<Job> jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems();
        assertThat(jobs).as("only the new Run's Job is left").singleElement().satisfies(j -> {
            assertThat(j.getMetadata().getName()).isEqualTo(attempt.job);
            assertThat(j.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(run.getMetadata().getUid()));
        });
        RunWatch.assertConditionsFollowPhase(run);
    }

    @Test
    void twoRunsWhoseJobNamesReadAlikeNeverShareAJob() {
        ns = E2eCluster.createNamespace(client, "e2e-collide");
        // deploy + prod-check and deploy-prod + check both make deploy-prod-check-1
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: w1}
                spec:
                  defaults: {image: busybox:1.36}
                  steps: [{name: prod-check, command: [sh, -c, 'echo I am w1; sleep 4']}]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: w2}
                spec:
                  defaults: {image: busybox:1.36}
                  steps: [{name: check, command: [sh, -c, 'echo I am w2; sleep 4']}]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: deploy}
                spec: {workflowRef: {name: w1}}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: deploy-prod}
                spec: {workflowRef: {name: w2}}
                """, ns);

        Run one = new RunWatch(client, ns, "deploy").awaitFinished(operator);
        Run two = new RunWatch(client, ns, "deploy-prod").awaitFinished(operator);
        assertThat(one.getStatus().phase).as(one.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(two.getStatus().phase).as(two.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(one.getStatus().steps.get(0).attempts.get(0).logs).contains("I am w1");
        assertThat(two.getStatus().steps.get(0).attempts.get(0).logs).contains("I am w2");
        String job1 = one.getStatus().steps.get(0).attempts.get(0).job;
        String job2 = two.getStatus().steps.get(0).attempts.get(0).job;
        assertThat(List.of(job1, job2)).contains("deploy-prod-check-1").doesNotHaveDuplicates();
        for (Run r : List.of(one, two)) {
            Job job = client.batch().v1().jobs().inNamespace(ns).withName(r.getStatus().steps.get(0).attempts.get(0).job).get();
            assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(r.getMetadata().getUid()));
        }
        List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
        assertThat(pods).hasSize(2);
    }
}
