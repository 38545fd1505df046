package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.testing.FakeKubelet;
import dev.stepwise.testing.MutableClock;
import dev.stepwise.testing.RealApiServer;
import dev.stepwise.testing.TestOperator;
import dev.stepwise.testing.Yaml;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Run reconciler against a real kube-apiserver with no Job controller or kubelet: the test
 * plays them (FakeKubelet) and checks the Jobs the operator makes and the status it writes.
 */
class RunReconcilerIT {
    static final String NS = "run-it";
    static final Duration WAIT = Duration.ofSeconds(30);
    static KubernetesClient client;
    static TestOperator operator;
    static FakeKubelet kubelet;

    @BeforeAll
    static void start() {
        client = RealApiServer.client();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        operator = new TestOperator(client, new MutableClock());
        kubelet = new FakeKubelet(client);
    }

    @AfterAll
    static void stop() {
        operator.close();
    }

    /** Applies a Workflow and waits until the operator has judged it (valid or not), as a user would. */
    static void workflow(String yaml) {
        WorkflowResource wf = Yaml.load(WorkflowResource.class, yaml);
        wf.getMetadata().setNamespace(NS);
        WorkflowResource applied = client.resource(wf).serverSideApply();
        await().atMost(WAIT).until(() -> client.resource(applied).get(), w -> w.getStatus() != null
                && applied.getMetadata().getGeneration().equals(w.getStatus().observedGeneration));
    }

    static void instanceType(String name, String spec) {
        client.resource(Yaml.load(InstanceType.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: %s}
                spec: %s
                """.formatted(name, spec))).serverSideApply();
    }

    static Run startRun(String name, String workflow, Map<String, String> params) {
        Run run = Yaml.load(Run.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: %s}
                spec: {workflowRef: {name: %s}}
                """.formatted(name, workflow));
        run.getMetadata().setNamespace(NS);
        run.getSpec().params.putAll(params);
        return client.resource(run).create();
    }

    static Run run(String name) {
        return client.resources(Run.class).inNamespace(NS).withName(name).get();
    }

    static Job awaitJob(String name) {
        try {
            return await().atMost(WAIT).until(() -> client.batch().v1().jobs().inNamespace(NS).withName(name).get(), j -> j != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // say what the Run shows instead: that is where the reason is
            throw new AssertionError("no Job " + name + "; runs: " + client.resources(Run.class).inNamespace(NS).list().getItems()
                    .stream().map(r -> r.getMetadata().getName() + "=" + io.fabric8.kubernetes.client.utils.Serialization.asYaml(r.getStatus()))
                    .toList(), e);
        }
    }

    static Run awaitPhase(String name, RunPhase phase) {
        return await().atMost(WAIT).until(() -> run(name), r -> r.getStatus() != null && r.getStatus().phase == phase);
    }

    static String conditionStatus(Run run, String type) {
        return run.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).map(Condition::getStatus)
                .findFirst().orElse(null);
    }

    @Test
    void jobIsShapedFromStepInstanceTypeAndParams() {
        client.resource(Yaml.load(InstanceType.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: it-large}
                spec:
                  resources: {requests: {cpu: "1", memory: 1Gi}, limits: {memory: 1Gi}}
                  nodeSelector: {pool: highmem}
                  tolerations: [{key: dedicated, operator: Equal, value: highmem, effect: NoSchedule}]
                """)).serverSideApply();
        await().atMost(WAIT).until(() -> client.resources(InstanceType.class).withName("it-large").get() != null);
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: shaped}
                spec:
                  params: [{name: date, default: "2026-01-01"}, {name: table-name, required: true}]
                  steps:
                    - name: extract
                      image: busybox:1.36
                      command: [sh, -c, "echo {{params.date}} {{run.name}} {{workflow.name}}"]
                      env: [{name: TABLE, value: "t-{{params.table-name}}"}]
                      instanceType: it-large
                      resources: {requests: {memory: 2Gi}, limits: {memory: 2Gi}}
                      storage: 1Gi
                      timeout: 90s
                """);
        Run run = startRun("shaped-1", "shaped", Map.of("table-name", "orders"));
        Job job = awaitJob("shaped-1-extract-1");

        assertThat(job.getMetadata().getLabels()).containsEntry("stepwise.dev/workflow", "shaped")
                .containsEntry("stepwise.dev/run", "shaped-1").containsEntry("stepwise.dev/step", "extract")
                .containsEntry("stepwise.dev/attempt", "1").containsEntry("app.kubernetes.io/managed-by", "stepwise");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Run");
            assertThat(o.getUid()).isEqualTo(run.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(90L);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getNodeSelector()).containsEntry("pool", "highmem");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        var container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("busybox:1.36");
        assertThat(container.getCommand()).containsExactly("sh", "-c", "echo 2026-01-01 shaped-1 shaped");
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("2Gi")).containsEntry("ephemeral-storage", new Quantity("1Gi"));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
        assertThat(container.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("PARAM_DATE", "2026-01-01"),
                        org.assertj.core.groups.Tuple.tuple("PARAM_TABLE_NAME", "orders"),
                        org.assertj.core.groups.Tuple.tuple("TABLE", "t-orders"),
                        org.assertj.core.groups.Tuple.tuple("STEPWISE_OUTPUTS", "/dev/termination-log"));
        assertThat(container.getTerminationMessagePath()).isEqualTo("/dev/termination-log");

        Run running = awaitPhase("shaped-1", RunPhase.Running);
        assertThat(running.getStatus().revision).isEqualTo("shaped-r1");
        assertThat(running.getStatus().params).containsEntry("date", "2026-01-01").containsEntry("table-name", "orders");
        assertThat(conditionStatus(running, "Succeeded")).isEqualTo("Unknown");
        assertThat(conditionStatus(running, "Reconciling")).isEqualTo("True");
    }

    @Test
    void statusFollowsThePodToSuccessWithOutputs() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: counts}
                spec:
                  steps:
                    - {name: count, image: busybox:1.36, outputs: [rows]}
                    - {name: report, image: busybox:1.36, dependsOn: [count], args: ["{{steps.count.outputs.rows}}"]}
                """);
        startRun("counts-1", "counts", Map.of());
        Pod pod = kubelet.createPod(awaitJob("counts-1-count-1"));
        kubelet.running(pod);
        await().atMost(WAIT).untilAsserted(() -> assertThat(run("counts-1").getStatus().steps.get(0).attempts.get(0).pod)
                .isEqualTo(pod.getMetadata().getName()));
        kubelet.terminated(pod, 0, "rows=42\nsecret=ignored\n");

        Job report = awaitJob("counts-1-report-1");
        assertThat(report.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly("42");
        var count = run("counts-1").getStatus().steps.get(0);
        assertThat(count.phase).isEqualTo(StepPhase.Succeeded);
        assertThat(count.outputs).containsExactly(Map.entry("rows", "42"));
        assertThat(count.attempts.get(0).exitCode).isZero();
        assertThat(count.attempts.get(0).message).contains("ignored undeclared outputs: secret");

        Pod reportPod = kubelet.createPod(report);
        kubelet.terminated(reportPod, 0, "");
        Run done = awaitPhase("counts-1", RunPhase.Succeeded);
        assertThat(done.getStatus().progress).isEqualTo("2/2");
        assertThat(done.getStatus().finishedAt).isNotNull();
        assertThat(done.getStatus().duration).isNotNull();
        assertThat(conditionStatus(done, "Succeeded")).isEqualTo("True");
        assertThat(conditionStatus(done, "Ready")).isEqualTo("True");
        assertThat(conditionStatus(done, "Stalled")).isEqualTo("False");
        assertThat(done.getStatus().observedGeneration).isEqualTo(done.getMetadata().getGeneration());
    }

    /**
     * Pinned means pinned without a finalizer: an unfinished Run owns its revision (so the garbage
     * collector, which this API server lacks and the test plays, keeps it), lets go when it ends, and
     * a revision left with no owner is deleted; one published with the old finalizer loses it.
     */
    @Test
    void anUnfinishedRunOwnsItsRevisionUntilItEndsAndARevisionNobodyOwnsGoes() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: held}
                spec:
                  steps: [{name: a, image: busybox:1.36}]
                """);
        Run started = startRun("held-1", "held", Map.of());
        Job job = awaitJob("held-1-a-1");
        var revisions = client.resources(dev.stepwise.api.v1alpha1.WorkflowRevision.class).inNamespace(NS);
        assertThat(revisions.withName("held-r1").get().getMetadata().getOwnerReferences())
                .extracting(o -> o.getKind() + "/" + o.getName() + "/" + o.getController())
                .containsExactly("Workflow/held/true", "Run/held-1/null");
        assertThat(revisions.withName("held-r1").get().getMetadata().getFinalizers()).isEmpty();

        // the Workflow is deleted: the garbage collector drops its reference, the Run's keeps the revision
        client.resources(WorkflowResource.class).inNamespace(NS).withName("held").delete();
        var r1 = revisions.withName("held-r1").get();
        r1.getMetadata().getOwnerReferences().removeIf(o -> "Workflow".equals(o.getKind()));
        revisions.resource(r1).update();

        kubelet.terminated(kubelet.createPod(job), 0, "");
        assertThat(awaitPhase("held-1", RunPhase.Succeeded).getMetadata().getUid()).isEqualTo(started.getMetadata().getUid());
        await("the revision nobody owns any more is deleted").atMost(WAIT).until(() -> revisions.withName("held-r1").get() == null);

        // a revision from before: the old finalizer goes, since no unfinished Run pinned it
        var legacy = Yaml.load(dev.stepwise.api.v1alpha1.WorkflowRevision.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: WorkflowRevision
                metadata: {name: gone-r1, finalizers: [stepwise.dev/revision-in-use, example.com/keep]}
                spec:
                  workflow: gone
                  revision: 1
                  template: {steps: [{name: a, image: busybox:1.36}]}
                """);
        legacy.getMetadata().setNamespace(NS);
        revisions.resource(legacy).create();
        await("the old finalizer is removed, others stay").atMost(WAIT).until(() -> revisions.withName("gone-r1").get(),
                r -> r.getMetadata().getFinalizers().equals(java.util.List.of("example.com/keep")));
        revisions.withName("gone-r1").edit(r -> {
            r.getMetadata().setFinalizers(java.util.List.of());
            return r;
        });
    }

    /** The Workflow keeps no Run informer of its own: the Run controller's cache and its wake-ups must keep it current. */
    @Test
    void theWorkflowsStatusFollowsItsRunsThroughStartEndAndDeletion() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: tally}
                spec:
                  steps:
                    - {name: only, image: busybox:1.36}
                """);
        startRun("tally-1", "tally", Map.of());
        Pod pod = kubelet.createPod(awaitJob("tally-1-only-1"));
        kubelet.running(pod);
        await().atMost(WAIT).untilAsserted(() -> {
            var st = tally();
            assertThat(st.lastRun).isNotNull();
            assertThat(st.lastRun.name).isEqualTo("tally-1");
            assertThat(st.lastRun.phase).isEqualTo(RunPhase.Running);
        });
        kubelet.terminated(pod, 0, "");
        awaitPhase("tally-1", RunPhase.Succeeded);
        await().atMost(WAIT).untilAsserted(() -> {
            var st = tally();
            assertThat(st.lastRun.phase).isEqualTo(RunPhase.Succeeded);
            assertThat(st.lastRun.finishedAt).isNotNull();
            assertThat(st.runCounts).containsEntry("Succeeded", 1);
        });
        // no event tells the Workflow of a deleted Run: its periodic look (every 30 s) does
        client.resources(Run.class).inNamespace(NS).withName("tally-1").delete();
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            assertThat(tally().runCounts).containsEntry("Succeeded", 0);
        });
    }

    private static dev.stepwise.api.v1alpha1.WorkflowStatus tally() {
        WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(NS).withName("tally").get();
        return wf.getStatus();
    }

    @Test
    void failedAttemptIsRetriedAfterItsBackoffThenTheRunFails() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: flaky}
                spec:
                  steps:
                    - {name: try, image: busybox:1.36, retry: {limit: 1, backoff: constant, delay: 2s, onExitCodes: [2]}}
                    - {name: after, image: busybox:1.36, dependsOn: [try]}
                """);
        startRun("flaky-1", "flaky", Map.of());
        kubelet.terminated(kubelet.createPod(awaitJob("flaky-1-try-1")), 2, "");
        Run waiting = await().atMost(WAIT).until(() -> run("flaky-1"),
                r -> r.getStatus().steps.get(0).phase == StepPhase.Waiting);
        var step = waiting.getStatus().steps.get(0);
        Attempt first = step.attempts.get(0);
        assertThat(first.exitCode).isEqualTo(2);
        assertThat(Instant.parse(step.nextRetryAt)).isEqualTo(Instant.parse(first.finishedAt).plusSeconds(2));

        kubelet.terminated(kubelet.createPod(awaitJob("flaky-1-try-2")), 2, "");
        Run failed = awaitPhase("flaky-1", RunPhase.Failed);
        assertThat(failed.getStatus().message).isEqualTo("step try failed: exit code 2 after 2 attempts");
        assertThat(failed.getStatus().steps.get(1).phase).isEqualTo(StepPhase.Skipped);
        assertThat(conditionStatus(failed, "Succeeded")).isEqualTo("False");
        assertThat(conditionStatus(failed, "Stalled")).isEqualTo("True");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("flaky-1-after-1").get()).isNull();
        // events are recorded after the status write: wait for them
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "flaky-1".equals(e.getInvolvedObject().getName())).toList())
                .extracting(e -> e.getReason()).contains("Running", "AttemptFailed", "Failed"));
    }

    @Test
    void unschedulablePodIsShownAndFailsAtItsPendingTimeout() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: stuck}
                spec:
                  steps: [{name: wait, image: busybox:1.36, pendingTimeout: 3s}]
                """);
        startRun("stuck-1", "stuck", Map.of());
        Pod pod = kubelet.createPod(awaitJob("stuck-1-wait-1"));
        kubelet.unschedulable(pod, "0/1 nodes are available: 1 Insufficient cpu.");
        Run failed = awaitPhase("stuck-1", RunPhase.Failed);
        Attempt attempt = failed.getStatus().steps.get(0).attempts.get(0);
        assertThat(attempt.reason).isEqualTo("Unschedulable");
        assertThat(attempt.message).contains("pod not running after 3s").contains("Insufficient cpu");
        await().atMost(WAIT).until(() -> client.batch().v1().jobs().inNamespace(NS).withName("stuck-1-wait-1").get() == null);
    }

    @Test
    void cancelDeletesRunningJobsAndEndsCancelled() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: long}
                spec:
                  steps: [{name: forever, image: busybox:1.36, command: [sleep, "3600"]}, {name: next, image: busybox:1.36, dependsOn: [forever]}]
                """);
        startRun("long-1", "long", Map.of());
        kubelet.running(kubelet.createPod(awaitJob("long-1-forever-1")));
        awaitPhase("long-1", RunPhase.Running);
        client.resources(Run.class).inNamespace(NS).withName("long-1").edit(r -> {
            r.getSpec().cancel = true;
            return r;
        });
        Run cancelled = awaitPhase("long-1", RunPhase.Cancelled);
        assertThat(cancelled.getStatus().steps).extracting(s -> s.phase).containsOnly(StepPhase.Cancelled);
        assertThat(cancelled.getStatus().steps.get(0).attempts.get(0).reason).isEqualTo("Cancelled");
        assertThat(conditionStatus(cancelled, "Stalled")).isEqualTo("True");
        await().atMost(WAIT).until(() -> client.batch().v1().jobs().inNamespace(NS).withName("long-1-forever-1").get() == null);
    }

    @Test
    void anInstanceTypeIsUsableOnlyFromTheNamespacesItsSelectorMatches() {
        // the API server labels every namespace with its name
        instanceType("it-elsewhere", "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: team-ml}}}");
        instanceType("it-ours", "{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [run-it]}]}}");
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: tenancy}
                spec:
                  steps:
                    - {name: theirs, image: busybox:1.36, instanceType: it-elsewhere}
                    - {name: ours, image: busybox:1.36, instanceType: it-ours}
                """);
        startRun("tenancy-1", "tenancy", Map.of());
        awaitJob("tenancy-1-ours-1");
        Run run = await().atMost(WAIT).until(() -> run("tenancy-1"), r -> r.getStatus() != null && r.getStatus().steps.stream()
                .anyMatch(s -> s.name.equals("theirs") && s.phase == dev.stepwise.api.v1alpha1.StepPhase.Failed));
        var theirs = run.getStatus().steps.stream().filter(s -> s.name.equals("theirs")).findFirst().orElseThrow();
        assertThat(theirs.message).contains("InstanceType 'it-elsewhere' may not be used in namespace 'run-it'");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("tenancy-1-theirs-1").get()).isNull();
    }

    @Test
    void runOfAnInvalidWorkflowFailsNamingTheProblem() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: cyclic}
                spec:
                  steps: [{name: a, image: x, dependsOn: [b]}, {name: b, image: x, dependsOn: [a]}]
                """);
        startRun("cyclic-1", "cyclic", Map.of());
        Run failed = awaitPhase("cyclic-1", RunPhase.Failed);
        assertThat(failed.getStatus().message).contains("workflow 'cyclic' is invalid").contains("cycle");
        assertThat(conditionStatus(failed, "Stalled")).isEqualTo("True");
    }

    @Test
    void runWithoutARequiredParamFailsAtOnce() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: needs}
                spec:
                  params: [{name: table, required: true}]
                  steps: [{name: a, image: busybox:1.36}]
                """);
        startRun("needs-1", "needs", Map.of("tabel", "typo"));
        Run failed = awaitPhase("needs-1", RunPhase.Failed);
        assertThat(failed.getStatus().message).contains("missing required param 'table'").contains("unknown param 'tabel'");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("needs-1-a-1").get()).isNull();
    }

    @Test
    void runOfAMissingWorkflowFailsAfterWaiting() {
        startRun("ghost-1", "no-such-workflow", Map.of());
        Run pending = await().atMost(WAIT).until(() -> run("ghost-1"), r -> r.getStatus() != null);
        assertThat(pending.getStatus().phase).isEqualTo(RunPhase.Pending);
        assertThat(pending.getStatus().message).contains("waiting for workflow 'no-such-workflow'");
        Run failed = await().atMost(Duration.ofSeconds(60)).until(() -> run("ghost-1"),
                r -> r.getStatus().phase == RunPhase.Failed);
        assertThat(failed.getStatus().message).isEqualTo("workflow 'no-such-workflow' not found");
    }

    @Test
    void aRunCreatedAgainUnderItsNameNeverTakesTheOldRunsJob() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: reborn}
                spec:
                  steps: [{name: only, image: busybox:1.36}]
                """);
        Run first = startRun("reborn-1", "reborn", Map.of());
        Job oldJob = awaitJob("reborn-1-only-1");
        kubelet.terminated(kubelet.createPod(oldJob), 0, null);
        awaitPhase("reborn-1", RunPhase.Succeeded);

        // this API server has no garbage collector: the old Run's Job stays, as it may for long in a real cluster
        client.resource(first).delete();
        await().atMost(WAIT).until(() -> run("reborn-1") == null);
        Run second = startRun("reborn-1", "reborn", Map.of());
        // the old Job is never taken as the new Run's: the operator deletes the orphan and makes a Job of its own
        await().atMost(WAIT).until(() -> {
            Job j = client.batch().v1().jobs().inNamespace(NS).withName("reborn-1-only-1").get();
            return j == null || !j.getMetadata().getOwnerReferences().get(0).getUid().equals(first.getMetadata().getUid());
        });
        Run waiting = run("reborn-1");
        assertThat(waiting.getStatus().phase).as("the old Job's success is not this Run's").isEqualTo(RunPhase.Running);
        // (no garbage collector here: the old Job's pod is removed by hand, as the collector would)
        client.pods().inNamespace(NS).withName("reborn-1-only-1-abcde").delete();
        await().atMost(WAIT).until(() -> client.pods().inNamespace(NS).withName("reborn-1-only-1-abcde").get() == null);
        await().atMost(WAIT).until(() -> {
            Job j = client.batch().v1().jobs().inNamespace(NS).withName("reborn-1-only-1").get();
            return j != null && j.getMetadata().getOwnerReferences().get(0).getUid().equals(second.getMetadata().getUid());
        });
        Job newJob = client.batch().v1().jobs().inNamespace(NS).withName("reborn-1-only-1").get();
        kubelet.terminated(kubelet.createPod(newJob), 0, null);
        Run done = awaitPhase("reborn-1", RunPhase.Succeeded);
        assertThat(done.getStatus().steps.get(0).attempts).singleElement()
                .satisfies(a -> assertThat(a.job).isEqualTo("reborn-1-only-1"));
    }

    @Test
    void aJobCreateAnAdmissionPolicyRefusesWaitsShowingWhyAndTheRunGoesOnOnceItIsLifted() {
        workflow("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: policy}
                spec:
                  steps: [{name: only, image: busybox:1.36}]
                """);
        // what a policy webhook does: refuse the Job with 403 (a ValidatingAdmissionPolicy answers 422 Invalid unless
        // its validation says reason: Forbidden; 422 would fail the attempt as an invalid Job)
        var policy = client.load(new java.io.ByteArrayInputStream("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: no-policy-jobs}
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules: [{apiGroups: [batch], apiVersions: [v1], operations: [CREATE], resources: [jobs]}]
                  validations:
                    - expression: "!has(object.metadata.labels) || !('stepwise.dev/workflow' in object.metadata.labels) || object.metadata.labels['stepwise.dev/workflow'] != 'policy'"
                      message: "Jobs of workflow policy wait for the change freeze to end"
                      reason: Forbidden
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: no-policy-jobs}
                spec: {policyName: no-policy-jobs, validationActions: [Deny]}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        policy.serverSideApply();
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                Job probe = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata().withName("probe")
                        .withNamespace(NS).addToLabels("stepwise.dev/workflow", "policy").endMetadata()
                        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
                        .withImage("busybox:1.36").endContainer().endSpec().endTemplate().endSpec().build();
                try {
                    client.resource(probe).dryRun().create();
                    return false;
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    return e.getCode() == 403;
                }
            });
            startRun("policy-1", "policy", Map.of());
            Run waiting = await().atMost(WAIT).until(() -> run("policy-1"), r -> r.getStatus() != null && !r.getStatus().steps.isEmpty()
                    && r.getStatus().steps.get(0).message != null);
            assertThat(waiting.getStatus().phase).isEqualTo(RunPhase.Running);
            assertThat(waiting.getStatus().steps.get(0).phase).isEqualTo(StepPhase.Waiting);
            assertThat(waiting.getStatus().steps.get(0).message).contains("Jobs of workflow policy wait for the change freeze to end");
            assertThat(waiting.getStatus().steps.get(0).attempts.get(0).reason).isEqualTo("Forbidden");
            assertThat(waiting.getStatus().steps.get(0).nextRetryAt).isNotNull();
        } finally {
            policy.delete();
        }
        Job job = awaitJob("policy-1-only-1");
        kubelet.terminated(kubelet.createPod(job), 0, null);
        Run done = awaitPhase("policy-1", RunPhase.Succeeded);
        assertThat(done.getStatus().steps.get(0).attempts).singleElement().satisfies(a -> assertThat(a.reason).isEqualTo("Completed"));
    }
}
