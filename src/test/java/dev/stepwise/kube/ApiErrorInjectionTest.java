package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.core.run.ActionResults;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.Fixtures;
import dev.stepwise.core.workflow.RevisionDecision;
import dev.stepwise.core.run.RunPlan;
import dev.stepwise.core.run.RunSim;
import dev.stepwise.core.workflow.WorkflowReadiness;
import dev.stepwise.reconcile.RunReconciler;
import dev.stepwise.testing.MockApi;
import dev.stepwise.testing.TestOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every API error a reconcile can meet ends where a user sees it, or is retried: injected with the
 * Fabric8 mock server into Job create, status patch, log read and revision publish, and checked on
 * what the user reads (the step's phase and message, the attempt's reason, the Workflow's conditions,
 * the Run's Events).
 */
class ApiErrorInjectionTest {
    private static final String JOBS = "/apis/batch/v1/namespaces/data/jobs";
    private static final String JOB = JOBS + "/etl-x7k2p-a-1";
    private final MockApi api = new MockApi();

    @AfterEach
    void close() {
        api.close();
    }

    /** Plans the Run's first step, creates its Job against the mock, and lets the core judge the answer. */
    private RunSim createFirstJob() {
        RunSim sim = new RunSim(spec(step("a")));
        RunPlan first = sim.plan();
        Run run = run(sim);
        ActionResults results = new RunActuator(api.client, new StepJobBuilder("git"), new SensitiveOutputs(api.client))
                .act(run, first, j -> { });
        sim.results = results;
        sim.planAgain(first);
        return sim;
    }

    private static Run run(RunSim sim) {
        return Fixtures.run(sim.runName, 1, Map.of());
    }

    private static Job jobOwnedBy(String kind, String apiVersion, String name, String uid) {
        return new JobBuilder().withNewMetadata().withName("etl-x7k2p-a-1").withNamespace("data")
                .addNewOwnerReference().withKind(kind).withApiVersion(apiVersion).withName(name).withUid(uid)
                .withController(true).endOwnerReference().endMetadata().build();
    }

    // ------------------------------------------------------------------ Job create

    @Test
    void jobCreateForbiddenByAQuotaWaitsShowingTheServersMessage() {
        String quota = "jobs.batch \"etl-x7k2p-a-1\" is forbidden: exceeded quota: jobs, requested: count/jobs.batch=1, used: count/jobs.batch=1, limited: count/jobs.batch=1";
        api.server.expect().post().withPath(JOBS).andReturn(403, MockApi.status(403, "Forbidden", quota)).once();
        RunSim sim = createFirstJob();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.step("a").message).isEqualTo("Job etl-x7k2p-a-1 not created yet: " + quota);
        assertThat(sim.attempt("a", 1).reason).isEqualTo("Forbidden");
        assertThat(sim.step("a").nextRetryAt).isNotNull();
    }

    @Test
    void jobCreateThrottledOrServerErrorOrNoAnswerWaitsAndRetries() {
        api.server.expect().post().withPath(JOBS).andReturn(429, MockApi.status(429, "TooManyRequests", "the server has received too many requests")).once();
        RunSim throttled = createFirstJob();
        assertThat(throttled.attempt("a", 1).reason).isEqualTo("TooManyRequests");
        assertThat(throttled.step("a").phase).isEqualTo(StepPhase.Waiting);

        api.server.expect().post().withPath(JOBS).andReturn(500, MockApi.status(500, "InternalError", "etcdserver: request timed out")).once();
        RunSim broken = createFirstJob();
        assertThat(broken.attempt("a", 1).reason).isEqualTo("InternalError");
        assertThat(broken.step("a").message).endsWith("etcdserver: request timed out");

        api.server.expect().post().delay(3, TimeUnit.SECONDS).withPath(JOBS).andReturn(201, jobOwnedBy("Run", "stepwise.dev/v1alpha1", "etl-x7k2p", "run-uid-etl-x7k2p")).once();
        RunSim silent = createFirstJob();
        assertThat(silent.attempt("a", 1).reason).isEqualTo("Timeout");
        assertThat(silent.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(silent.step("a").message).contains("no answer from the API server");
    }

    @Test
    void jobCreateRejectedAsInvalidFailsTheAttemptWithTheServersMessage() {
        String invalid = "Job.batch \"etl-x7k2p-a-1\" is invalid: spec.template.spec.containers[0].image: Required value";
        api.server.expect().post().withPath(JOBS).andReturn(422, MockApi.status(422, "Invalid", invalid)).once();
        RunSim sim = createFirstJob();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("InvalidJob");
        assertThat(sim.attempt("a", 1).message).isEqualTo(invalid);
        assertThat(sim.attempt("a", 1).isFinished()).isTrue();
        sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").message).isEqualTo("InvalidJob (" + invalid + ") after 1 attempt");
    }

    @Test
    void aJobOfThisRunFoundOnConflictIsAdopted() {
        api.server.expect().post().withPath(JOBS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        api.server.expect().get().withPath(JOB).andReturn(200, jobOwnedBy("Run", "stepwise.dev/v1alpha1", "etl-x7k2p", "run-uid-etl-x7k2p")).once();
        RunSim sim = createFirstJob();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.attempt("a", 1).job).isEqualTo("etl-x7k2p-a-1");
    }

    @Test
    void aJobOfAnotherOwnerIsNeverAdoptedTheAttemptFailsNamingTheOwner() {
        api.server.expect().post().withPath(JOBS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        api.server.expect().get().withPath(JOB).andReturn(200, jobOwnedBy("CronJob", "batch/v1", "nightly", "cron-uid")).once();
        RunSim sim = createFirstJob();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("JobConflict");
        assertThat(sim.attempt("a", 1).message)
                .isEqualTo("a Job named etl-x7k2p-a-1 already exists and belongs to CronJob nightly (uid cron-uid), not to this Run");
        assertThat(sim.attempt("a", 1).job).isNull();
    }

    @Test
    void aJobLeftByAnEarlierRunOfTheSameNameIsDeletedAndWaitedFor() throws InterruptedException {
        api.server.expect().post().withPath(JOBS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        api.server.expect().get().withPath(JOB).andReturn(200, jobOwnedBy("Run", "stepwise.dev/v1alpha1", "etl-x7k2p", "the-old-uid")).once();
        api.server.expect().delete().withPath(JOB).andReturn(200, jobOwnedBy("Run", "stepwise.dev/v1alpha1", "etl-x7k2p", "the-old-uid")).once();
        RunSim sim = createFirstJob();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.step("a").message).contains("belongs to an earlier Run named etl-x7k2p (uid the-old-uid) that no longer exists: "
                + "deleted it; this Run creates its own when it is gone");
        assertThat(api.server.getLastRequest().getMethod()).isEqualTo("DELETE");
        assertThat(sim.attempt("a", 1).job).as("never taken as this Run's").isNull();
    }

    @Test
    void whenAnotherLiveRunHoldsTheNameTheJobGetsTheRunsOwnName() {
        api.server.expect().post().withPath(JOBS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        api.server.expect().get().withPath(JOB).andReturn(200, jobOwnedBy("Run", "stepwise.dev/v1alpha1", "etl", "other-run-uid")).once();
        Job created = jobOwnedBy("Run", "stepwise.dev/v1alpha1", "etl-x7k2p", "run-uid-etl-x7k2p");
        created.getMetadata().setName("etl-x7k2p-a-runuidet-1");
        api.server.expect().post().withPath(JOBS).andReturn(201, created).once();
        RunSim sim = createFirstJob();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.attempt("a", 1).job).isEqualTo("etl-x7k2p-a-runuidet-1");
    }

    // ------------------------------------------------------------------ status patch

    @Test
    void aStatusPatchTheServerRefusesIsToldAsAnEventAndRetriedWithoutEnd() throws Exception {
        Run run = Fixtures.run("etl-x7k2p", 1, Map.of());
        run.setStatus(new RunStatus());
        String path = "/apis/stepwise.dev/v1alpha1/namespaces/data/runs/etl-x7k2p/status";
        api.server.expect().patch().withPath(path + "?fieldManager=run&force=true")
                .andReturn(500, MockApi.status(500, "InternalError", "etcdserver: leader changed")).always();
        api.server.expect().post().withPath("/api/v1/namespaces/data/events").andReturn(201, "{}").always();

        java.util.List<String> counted = new java.util.ArrayList<>();
        dev.stepwise.metrics.StatusWrites.Listener metrics = (r, previous, next, transitions) -> counted.add(next.phase + "");
        dev.stepwise.metrics.StatusWrites.register(metrics);
        Exception failure = null;
        RunStatus running = new RunStatus();
        running.phase = dev.stepwise.api.v1alpha1.RunPhase.Running;
        running.startedAt = "2026-01-01T10:00:00Z";
        assertThat(dev.stepwise.metrics.RunTransitions.between(run.getStatus(), running, null)).as("a start, if it were written")
                .extracting(t -> t.kind().name()).containsExactly("RunStarted");
        try {
            dev.stepwise.reconcile.StatusWriterAccess.write(run, running, api.context());
        } catch (KubernetesClientException e) {
            failure = e;
        } finally {
            dev.stepwise.metrics.StatusWrites.unregister(metrics);
        }
        assertThat(failure).as("the failure reaches the framework, which retries").isNotNull();
        assertThat(counted).as("a refused write counts no transition (its retry will)").isEmpty();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (var notifier = new dev.stepwise.kube.notify.Notifier(vertx, Clock.systemUTC(), dev.stepwise.kube.notify.AddressPolicy.strict())) {
            new RunReconciler(Clock.systemUTC(), TestOperator.config(), new dev.stepwise.reconcile.RunWakeups(), new dev.stepwise.reconcile.AdmissionLedger(),
                    new dev.stepwise.reconcile.WorkflowWakeups(), new dev.stepwise.reconcile.RunIndex(), new dev.stepwise.reconcile.WorkflowIndex(), notifier)
                    .updateErrorStatus(run, api.context(), failure);
        } finally {
            vertx.close();
        }

        String event = lastBody("/api/v1/namespaces/data/events");
        assertThat(event).contains("\"reason\":\"ReconcileError\"").contains("InternalError: etcdserver: leader changed (retrying)");

        // and the retry never gives up: every later attempt is scheduled, at most two minutes apart
        GenericRetry retry = new GenericRetry();
        retry.initFrom(RunReconciler.class.getAnnotation(GradualRetry.class));
        RetryExecution execution = retry.initExecution();
        for (int i = 0; i < 1000; i++) {
            assertThat(execution.nextDelay()).hasValueSatisfying(d -> assertThat(d).isBetween(1L, 120_000L));
        }
    }

    // ------------------------------------------------------------------ log read

    @Test
    void aLogReadThatFailsOnceIsTriedAgainAndOneThatKeepsFailingGivesNoTail() {
        String path = "/api/v1/namespaces/data/pods/p/log?container=step&tailLines=200";
        api.server.expect().get().withPath(path).andReturn(500, "boom").once();
        api.server.expect().get().withPath(path).andReturn(200, "line 1\nline 2\n").once();
        assertThat(new PodLogs(api.client).tail("data", "p", 2048)).isEqualTo("line 1\nline 2\n");

        api.server.expect().get().withPath(path).andReturn(503, "down").times(2);
        assertThat(new PodLogs(api.client).tail("data", "p", 2048)).isNull();

        api.server.expect().get().delay(5, TimeUnit.SECONDS).withPath(path).andReturn(200, "late").times(2);
        long start = System.nanoTime();
        assertThat(new PodLogs(api.client).tail("data", "p", 2048)).as("answers that come too late are not waited for").isNull();
        // timing is the point here: two tries cut off at the read timeout (2 x 3 s), not the 10 s the answers would take
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
    }

    /**
     * A node whose kubelet cannot be reached: the API server answers 500 to every log read. With the
     * client's default retries (as the operator runs: Fabric8 retries a 5xx 10 times from 100 ms) the
     * read took two 3 s timeouts and held the Run's next step for 6 s; now it is asked twice, at once.
     */
    @Test
    void aLogTheApiServerCannotFetchIsAskedForTwiceWithoutTheClientsOwnRetries() throws InterruptedException {
        String path = "/api/v1/namespaces/data/pods/lost/log?container=step&tailLines=200";
        forgetRequests();
        api.server.expect().get().withPath(path)
                .andReturn(500, MockApi.status(500, "InternalError", "no preferred addresses found; known addresses: []")).always();
        try (io.fabric8.kubernetes.client.KubernetesClient withRetries = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(api.client.getConfiguration())
                        .withRequestRetryBackoffLimit(10).withRequestRetryBackoffInterval(100).build()).build()) {
            long start = System.nanoTime();
            assertThat(new PodLogs(withRetries).tail("data", "lost", 2048)).isNull();
            // the count below proves the client did not retry; this generous bound says the step is not held:
            // the client's ten retries from 100 ms would take minutes, five of them already 3 s per read
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no waiting out retries").isLessThan(Duration.ofSeconds(5));
        }
        assertThat(requestsTo(path)).as("asked twice, not 2 x 11 times").isEqualTo(2);
    }

    /** A pod without a log (gone, or on a node without a kubelet): the answer is final, asked once (issue 19: 2 reads per step). */
    @Test
    void aLogThatIsNotThereIsAskedForOnce() throws InterruptedException {
        String path = "/api/v1/namespaces/data/pods/gone/log?container=step&tailLines=200";
        forgetRequests();
        api.server.expect().get().withPath(path).andReturn(404, MockApi.status(404, "NotFound", "pods \"gone\" not found")).times(2);
        assertThat(new PodLogs(api.client).tail("data", "gone", 2048)).isNull();
        assertThat(requestsTo(path)).isEqualTo(1);
    }

    @Test
    void aHugeLogLineIsReadBoundedKeepingItsEnd() {
        String path = "/api/v1/namespaces/data/pods/p/log?container=step&tailLines=200";
        String progress = "#".repeat(3 * 1024 * 1024) + " 100% done";
        api.server.expect().get().withPath(path).andReturn(200, progress).once();
        String tail = new PodLogs(api.client).tail("data", "p", 1024);
        assertThat(tail).hasSize(2048).endsWith(" 100% done");

        // past 4 MiB the read stops: what was read so far is the tail, the rest never crosses the wire
        api.server.expect().get().withPath(path).andReturn(200, "=".repeat(6 * 1024 * 1024)).once();
        assertThat(new PodLogs(api.client).tail("data", "p", 1024)).hasSize(2048).matches("=+");
    }

    // ------------------------------------------------------------------ revision publish

    @Test
    void aRevisionPublishTheServerRefusesShowsOnTheWorkflowAndIsTriedAgain() {
        String path = "/apis/stepwise.dev/v1alpha1/namespaces/data/workflowrevisions";
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid("wf-uid").build());
        wf.setSpec(spec(step("a")));
        var outcome = RevisionDecision.decide("etl", "wf-uid", wf.getSpec(), java.util.List.of());
        for (int code : new int[]{403, 429, 500}) {
            api.server.expect().post().withPath(path).andReturn(code, MockApi.status(code, code == 403 ? "Forbidden" : code == 429
                    ? "TooManyRequests" : "InternalError", "refused with " + code)).once();
            var result = RevisionPublisher.publish(api.client, wf, outcome, Fixtures.T0);
            assertThat(result).isInstanceOf(dev.stepwise.core.workflow.PublishResult.Failed.class);
            var f = (dev.stepwise.core.workflow.PublishResult.Failed) result;
            WorkflowReadiness readiness = WorkflowReadiness.publishFailed(outcome.number(), f.reason(), f.message());
            var ready = readiness.conditions().stream().filter(c -> c.type().equals("Ready")).findFirst().orElseThrow();
            assertThat(ready.status()).isEqualTo(Conditions.FALSE);
            assertThat(ready.reason()).isEqualTo("PublishFailed");
            assertThat(ready.message()).isEqualTo("could not publish revision 1: " + f.reason() + ": refused with " + code);
            assertThat(readiness.lookAgain()).isEqualTo(WorkflowReadiness.PUBLISH_RETRY);
        }
        api.server.expect().post().delay(3, TimeUnit.SECONDS).withPath(path).andReturn(201, "{}").once();
        var silent = RevisionPublisher.publish(api.client, wf, outcome, Fixtures.T0);
        assertThat(silent).isInstanceOfSatisfying(dev.stepwise.core.workflow.PublishResult.Failed.class, f -> assertThat(f.reason()).isEqualTo("Timeout"));
    }

    @Test
    void aRevisionNameTakenByOtherContentIsNeverTakenAsThisOne() {
        String path = "/apis/stepwise.dev/v1alpha1/namespaces/data/workflowrevisions";
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid("wf-uid").build());
        wf.setSpec(spec(step("a")));
        var outcome = RevisionDecision.decide("etl", "wf-uid", wf.getSpec(), java.util.List.of());
        var other = Fixtures.revision("etl", 1, spec(step("b")), "wf-uid");
        other.getSpec().hash = "another-edit";
        api.server.expect().post().withPath(path).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        api.server.expect().get().withPath(path + "/etl-r1").andReturn(200, other).once();
        assertThat(RevisionPublisher.publish(api.client, wf, outcome, Fixtures.T0)).isInstanceOf(dev.stepwise.core.workflow.PublishResult.Taken.class);
    }

    /** Drops the requests the server recorded so far (earlier tests'). */
    private void forgetRequests() throws InterruptedException {
        while (api.server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // not this test's
        }
    }

    /** How many of the requests recorded since the last look went to exactly {@code path}. */
    private int requestsTo(String path) throws InterruptedException {
        int asked = 0;
        RecordedRequest r;
        while ((r = api.server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            asked += r.getPath().equals(path) ? 1 : 0;
        }
        return asked;
    }

    private String lastBody(String path) throws InterruptedException {
        String body = null;
        RecordedRequest r;
        while ((r = api.server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (r.getPath().startsWith(path)) {
                body = r.getBody().readUtf8();
            }
        }
        return body;
    }
}
