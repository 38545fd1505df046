package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Run control on the local cluster, with the samples of samples/control/ applied as they are and
 * driven with the one-line {@code kubectl patch} (a JSON merge patch) that their README documents.
 */
class RunControlE2E extends OperatorE2E {

    private Run run(String name) {
        return client.resources(Run.class).inNamespace(ns).withName(name).get();
    }

    /** {@code kubectl patch run NAME --type=merge -p JSON}. */
    private static void mergePatch(KubernetesClient c, String ns, String name, String json) {
        c.resources(Run.class).inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    private Run awaitPhase(String name, RunPhase phase) {
        await(name + " " + phase).atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Run r = run(name);
                    return r != null && r.getStatus() != null && r.getStatus().phase == phase;
                });
        Run r = run(name);
        RunWatch.assertConditionsFollowPhase(r);
        return r;
    }

    private static Map<String, StepStatus> steps(Run run) {
        Map<String, StepStatus> out = new LinkedHashMap<>();
        run.getStatus().steps.forEach(s -> out.put(s.name, s));
        return out;
    }

    @Test
    void aFailedRunIsRetriedFromPlainYamlReusingWhatSucceeded() {
        ns = E2eCluster.createNamespace(client, "e2e-retry-run");
        E2eCluster.apply(client, E2eCluster.sample("control/retry.yaml"), ns);
        Run failed = new RunWatch(client, ns, "etl-1").awaitFinished(operator);
        assertThat(failed.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(failed.getStatus().message).isEqualTo("step load failed: exit code 3 after 1 attempt");

        E2eCluster.apply(client, E2eCluster.sample("control/retry-of-etl-1.yaml"), ns);
        Run retry = new RunWatch(client, ns, "etl-1-retry").awaitFinished(operator);
        assertThat(retry.getStatus().phase).as(retry.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(retry.getStatus().trigger).isEqualTo("retry");
        assertThat(retry.getStatus().retryOf).isEqualTo("etl-1");
        assertThat(retry.getStatus().revision).isEqualTo(failed.getStatus().revision);
        assertThat(retry.getStatus().params).containsEntry("target", "warehouse");
        Map<String, StepStatus> steps = steps(retry);
        assertThat(steps.get("extract").reused).isTrue();
        assertThat(steps.get("extract").outputs).containsEntry("rows", "42");
        assertThat(steps.get("extract").attempts).isEmpty();
        assertThat(steps.get("load").attempts.get(0).logs).contains("loaded 42 rows into warehouse");
        assertThat(steps.get("report").phase).isEqualTo(StepPhase.Succeeded);
        // extract ran once in all: no Job of the retry for it
        List<Job> jobs = client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/step", "extract").list().getItems();
        assertThat(jobs).extracting(j -> j.getMetadata().getName()).containsExactly("etl-1-extract-1");

        // a retry of a Run that does not exist fails at once, saying so
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: etl-bad-retry}
                spec: {workflowRef: {name: etl}, retryOf: etl-nope}
                """, ns);
        Run bad = new RunWatch(client, ns, "etl-bad-retry").awaitFinished(operator);
        assertThat(bad.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(bad.getStatus().message).isEqualTo("retryOf: run 'etl-nope' not found");
    }

    @Test
    void aSubsetRunsOnlyTheSelectedStepsWithTheirStepParams() {
        ns = E2eCluster.createNamespace(client, "e2e-subset");
        E2eCluster.apply(client, E2eCluster.sample("control/subset.yaml"), ns);
        Run run = new RunWatch(client, ns, "pipeline-subset").awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().progress).isEqualTo("4/4");
        Map<String, StepStatus> steps = steps(run);
        assertThat(steps.get("lint").phase).isEqualTo(StepPhase.Skipped);
        assertThat(steps.get("lint").message).isEqualTo("not selected by spec.stepsToRun");
        assertThat(steps.get("test").phase).isEqualTo(StepPhase.Skipped);
        assertThat(steps.get("package").attempts.get(0).logs).contains("packaging with COMPRESSION=zstd");
        assertThat(steps.get("publish").phase).isEqualTo(StepPhase.Succeeded);
        Job publish = client.batch().v1().jobs().inNamespace(ns).withName("pipeline-subset-publish-1").get();
        assertThat(publish.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .noneMatch(e -> e.getName().equals("COMPRESSION"));
    }

    @Test
    void anApprovalGateWaitsForItsEventAndAGitOpsReapplyCannotTakeItBack() {
        ns = E2eCluster.createNamespace(client, "e2e-approval");
        E2eCluster.apply(client, E2eCluster.sample("control/approval.yaml"), ns);
        E2eCluster.apply(client, E2eCluster.sample("control/approvers.yaml"), ns);
        await("approve Waiting").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(250)).until(() -> {
            Run r = run("deploy-1");
            return r != null && r.getStatus() != null && r.getStatus().steps.size() == 3
                    && r.getStatus().steps.get(1).phase == StepPhase.Waiting;
        });
        Run waiting = run("deploy-1");
        assertThat(waiting.getStatus().phase).isEqualTo(RunPhase.Running);
        assertThat(waiting.getStatus().steps.get(1).message).isEqualTo("waiting for event 'approval'");

        // alice, in group run-approvers, may send the event but change nothing else
        Config asAlice = new ConfigBuilder(client.getConfiguration()).withImpersonateUsername("alice")
                .withImpersonateGroups("run-approvers").build();
        try (KubernetesClient alice = new KubernetesClientBuilder().withConfig(asAlice).build()) {
            assertThatThrownBy(() -> mergePatch(alice, ns, "deploy-1", "{\"spec\":{\"cancel\":true}}"))
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("members of run-approvers may only send events to a Run");
            assertThatThrownBy(() -> alice.resources(Run.class).inNamespace(ns).withName("deploy-1").delete())
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
            mergePatch(alice, ns, "deploy-1", "{\"spec\":{\"events\":[{\"name\":\"approval\",\"payload\":\"ok by alice\"}]}}");
        }
        Run done = new RunWatch(client, ns, "deploy-1").awaitFinished(operator);
        assertThat(done.getStatus().phase).as(done.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(done.getStatus().steps.get(1).outputs).containsEntry("payload", "ok by alice");
        assertThat(done.getStatus().steps.get(2).attempts.get(0).logs).contains("deploying, approved: ok by alice");
        assertThat(done.getStatus().events).singleElement().satisfies(e -> assertThat(e.payload).isEqualTo("ok by alice"));

        // GitOps re-applies the Run as it is in Git, without the event: the approval stays recorded
        mergePatch(client, ns, "deploy-1", "{\"spec\":{\"events\":null}}");
        await("the re-apply observed").atMost(Duration.ofSeconds(30)).until(() -> {
            Run r = run("deploy-1");
            return r.getStatus().observedGeneration.equals(r.getMetadata().getGeneration());
        });
        Run after = run("deploy-1");
        assertThat(after.getSpec().events).isNull();
        assertThat(after.getStatus().phase).isEqualTo(RunPhase.Succeeded);
        assertThat(after.getStatus().events).hasSize(1);
        // the policy is cluster-scoped: it goes with the test, not with its namespace
        client.admissionRegistration().v1().validatingAdmissionPolicyBindings()
                .withName("stepwise-run-approvers-only-send-events").delete();
        client.admissionRegistration().v1().validatingAdmissionPolicies()
                .withName("stepwise-run-approvers-only-send-events").delete();
    }

    @Test
    void aPausedRunStartsNothingUntilResumedAndCanBePausedBetweenSteps() {
        ns = E2eCluster.createNamespace(client, "e2e-paused");
        E2eCluster.apply(client, E2eCluster.sample("control/paused.yaml"), ns);
        Run paused = awaitPhase("nightly-1", RunPhase.Suspended);
        assertThat(paused.getStatus().revision).isEqualTo("nightly-r1");
        assertThat(paused.getStatus().progress).isEqualTo("0/3");
        assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();

        mergePatch(client, ns, "nightly-1", "{\"spec\":{\"suspend\":false}}");
        // pause again while prepare runs: it finishes, then nothing new starts
        await("prepare running").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> run("nightly-1").getStatus().steps.get(0).phase == StepPhase.Running);
        mergePatch(client, ns, "nightly-1", "{\"spec\":{\"suspend\":true}}");
        Run held = awaitPhase("nightly-1", RunPhase.Suspended);
        Map<String, StepStatus> steps = steps(held);
        assertThat(steps.get("prepare").phase).isEqualTo(StepPhase.Succeeded);
        assertThat(steps.get("cool-down").phase).isEqualTo(StepPhase.Pending);
        assertThat(steps.get("finish").phase).isEqualTo(StepPhase.Pending);

        mergePatch(client, ns, "nightly-1", "{\"spec\":{\"suspend\":false}}");
        Run done = new RunWatch(client, ns, "nightly-1").awaitFinished(operator);
        assertThat(done.getStatus().phase).as(done.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(RunWatch.events(client, ns, "Run", "nightly-1")).extracting(e -> e.getReason())
                .contains("Suspended", "Running", "Succeeded");
    }

    @Test
    void aRunPastItsTimeoutStopsItsJobsAndFailsWithDeadlineExceeded() {
        ns = E2eCluster.createNamespace(client, "e2e-timeout");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: slow}
                spec:
                  timeout: 1h
                  defaults: {image: busybox:1.36}
                  steps:
                    - {name: forever, command: [sleep, "3600"]}
                    - {name: after, dependsOn: [forever], command: [echo, never]}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: slow-1}
                spec: {workflowRef: {name: slow}, timeout: 8s}
                """, ns);
        Run run = new RunWatch(client, ns, "slow-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(run.getStatus().message).isEqualTo("the Run exceeded its timeout of 8s (DeadlineExceeded)");
        assertThat(RunWatch.condition(run, "Succeeded").getReason()).isEqualTo("DeadlineExceeded");
        Map<String, StepStatus> steps = steps(run);
        assertThat(steps.get("forever").attempts.get(0).reason).isEqualTo("DeadlineExceeded");
        assertThat(steps.get("after").phase).isEqualTo(StepPhase.Skipped);
        // timing is what this test is about: the Run ends at its own 8 s timeout, not the Workflow's hour
        // (measured from the status's own times; the upper bound leaves 12 s for a busy cluster)
        assertThat(Duration.between(RunWatch.time(run.getStatus().startedAt), RunWatch.time(run.getStatus().finishedAt)))
                .isBetween(Duration.ofSeconds(8), Duration.ofSeconds(20));
        await("the running Job stopped").atMost(Duration.ofSeconds(60)).until(() ->
                client.batch().v1().jobs().inNamespace(ns).withName("slow-1-forever-1").get() == null);
    }
}
