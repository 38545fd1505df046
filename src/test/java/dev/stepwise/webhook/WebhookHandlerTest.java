package dev.stepwise.webhook;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.Webhook;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.core.Fixtures;
import dev.stepwise.testing.MockApi;
import dev.stepwise.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook's answers, against the Fabric8 mock server in CRUD mode (a fresh one per test), through its
 * own informer cache.
 */
@EnableKubernetesMockClient(crud = true)
class WebhookHandlerTest {
    static final String TOKEN = "s3cret-t0ken-0123456";
    static final Map<String, String> UNAUTHORIZED_HEADERS = Map.of("Content-Type", "application/json", "WWW-Authenticate", "Bearer");
    KubernetesMockServer server;
    KubernetesClient mockClient;
    private KubernetesClient client;
    private final MutableClock clock = new MutableClock();
    private Webhooks webhooks;
    private WebhookHandler handler;

    @BeforeEach
    void setUp() {
        // no client-side retries: a 500 the test injects is answered once
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(mockClient.getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
        secret("hook", TOKEN);
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        Param date = new Param("date", null);
        date.required = true;
        spec.params = List.of(date, new Param("table", "orders"));
        workflow("etl", webhook(spec, "hook"));
        workflow("plain", webhook(Fixtures.spec(Fixtures.step("a")), "hook"));
        workflow("closed", Fixtures.spec(Fixtures.step("a")));
        start(new Webhooks.Settings(3, 100, Duration.ofSeconds(30), Duration.ofSeconds(60)), 2);
    }

    @AfterEach
    void tearDown() {
        webhooks.close();
        client.close();
    }

    private void start(Webhooks.Settings settings, int open) {
        if (webhooks != null) {
            webhooks.close();
        }
        webhooks = new Webhooks(client, Set.of(), settings, clock).start();
        handler = webhooks.handler;
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.workflows.synced() && webhooks.limiter.size() == open);
    }

    private void secret(String name, String token) {
        client.secrets().inNamespace("data").resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToStringData("token", token).build()).createOr(o -> o.update());
    }

    private static WorkflowSpec webhook(WorkflowSpec spec, String secret) {
        spec.webhook = new Webhook();
        spec.webhook.enabled = true;
        spec.webhook.tokenSecretRef = new SecretKeySelector("token", secret, false);
        return spec;
    }

    private void workflow(String name, WorkflowSpec spec) {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("data").build());
        wf.setSpec(spec);
        client.resources(WorkflowResource.class).inNamespace("data").resource(wf).createOr(o -> o.update());
    }

    private WebhookHandler.Answer call(String namespace, String workflow, String authorization, String body) {
        return handler.handle(namespace, workflow, authorization, body, "192.0.2.7");
    }

    private int runs() {
        return client.resources(Run.class).inNamespace("data").list().getItems().size();
    }

    private static void assertUnauthorized(WebhookHandler.Answer a) {
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(a.headers()).isEqualTo(UNAUTHORIZED_HEADERS);
        assertThat(a).isSameAs(WebhookHandler.UNAUTHORIZED);
    }

    @Test
    void aRightCallStartsARunTriggeredByTheWebhookWithItsParams() {
        WebhookHandler.Answer a = call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"2026-11-01\", \"table\": 7}");
        assertThat(a.status()).as(a.json()).isEqualTo(201);
        String name = (String) a.body().get("name");
        assertThat(name).startsWith("etl-webhook-");
        Run run = client.resources(Run.class).inNamespace("data").withName(name).get();
        assertThat(run.getSpec().workflowRef.name).isEqualTo("etl");
        assertThat(run.getSpec().params).containsEntry("date", "2026-11-01").containsEntry("table", "7");
        assertThat(run.getMetadata().getLabels()).containsEntry("stepwise.dev/trigger", "webhook")
                .containsEntry("stepwise.dev/workflow", "etl");
    }

    @Test
    void badParamsAndBodiesAreNamed() {
        int runsBefore = runs();
        WebhookHandler.Answer unknown = call("data", "etl", "Bearer " + TOKEN, "{\"dat\": \"x\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json()).contains("missing required param 'date'").contains("unknown param 'dat'");
        assertThat(call("data", "etl", "Bearer " + TOKEN, "[1, 2]").json()).contains("must be a JSON object");
        WebhookHandler.Answer nested = call("data", "etl", "Bearer " + TOKEN, "{\"date\": {\"a\": 1}}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json()).contains("param 'date' must be a string, number or boolean");
        assertThat(runs()).isEqualTo(runsBefore);
    }

    @Test
    void aValueBreakingItsParamsRulesIsRefusedBeforeAnyRunExists() {
        WorkflowSpec spec = webhook(Fixtures.spec(Fixtures.step("a")), "hook");
        Param table = new Param("table", "orders");
        table.pattern = "^[a-z_]+$";
        spec.params = List.of(table);
        workflow("strict", spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.limiter.size() == 3);
        int runsBefore = runs();

        WebhookHandler.Answer a = call("data", "strict", "Bearer " + TOKEN, "{\"table\": \"x;rm -rf /\"}");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).containsEntry("error", "param 'table': value \"x;rm -rf /\" does not match pattern ^[a-z_]+$");
        assertThat(runs()).isEqualTo(runsBefore);
    }

    @Test
    void everyCallWithoutTheRightTokenForAnOpenWebhookGetsTheSame401() {
        List<WebhookHandler.Answer> answers = List.of(
                call("data", "nope", "Bearer " + TOKEN, "{}"),              // no such Workflow
                call("data", "closed", "Bearer " + TOKEN, "{}"),            // no webhook
                call("elsewhere", "etl", "Bearer " + TOKEN, "{}"),          // no such namespace
                call("Data", "etl", "Bearer " + TOKEN, "{}"),               // not a namespace name
                call("data", "..", "Bearer " + TOKEN, "{}"),                // not a Workflow name
                call(null, null, "Bearer " + TOKEN, null),                  // /webhooks/anything/else
                call("data", "etl", null, "{\"date\": \"d\"}"),             // no token
                call("data", "etl", "Basic " + TOKEN, "{\"date\": \"d\"}"), // not a bearer token
                call("data", "etl", "Bearer s3cret-t0ken-0123457", "{\"date\": \"d\"}"),
                call("data", "etl", "Bearer s3cret", "{\"date\": \"d\"}"),
                call("data", "etl", "Bearer " + TOKEN + "7", "{\"date\": \"d\"}"));
        answers.forEach(WebhookHandlerTest::assertUnauthorized);
        assertThat(runs()).isZero();
    }

    @Test
    @Timeout(60)
    void aHundredThousandUnknownPathsCostNoApiCallAndLeaveNoState() {
        int before = server.getRequestCount();
        long start = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            WebhookHandler.Answer a = call("ns-" + (i % 1000), "wf-" + i, "Bearer " + TOKEN + i, "{}");
            assertThat(a.status()).isEqualTo(401);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(server.getRequestCount() - before).isZero();
        assertThat(webhooks.limiter.size()).isEqualTo(2);
        assertThat(webhooks.tokens.size()).isEqualTo(2);
        // the first refusal was logged; the rest wait for the next line, which counts them
        assertThat(webhooks.refusals.unlogged()).isEqualTo(99_999);
        System.out.printf("100,000 unknown webhook paths: %d ms, %d API requests, %d buckets%n", ms,
                server.getRequestCount() - before, webhooks.limiter.size());
    }

    @Test
    void aSecretTokenShorterThan16BytesKeepsTheWebhookClosedAndTheWorkflowsEventsSayWhy() {
        secret("weak", "fifteen-bytes!!");
        workflow("weak", webhook(Fixtures.spec(Fixtures.step("a")), "weak"));
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.limiter.size() == 3);
        assertUnauthorized(call("data", "weak", "Bearer fifteen-bytes!!", "{}"));
        assertUnauthorized(call("data", "weak", "Bearer fifteen-bytes!!", "{}"));
        List<Event> events = client.v1().events().inNamespace("data").list().getItems();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getName()).isEqualTo("weak");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Workflow");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("WebhookClosed");
            assertThat(e.getMessage()).isEqualTo("webhook closed: the token in Secret 'weak' key 'token' is shorter than 16 bytes");
        });
        // 16 bytes will do, once the cached token is older than the ttl
        secret("weak", "sixteen-bytes!!!");
        assertUnauthorized(call("data", "weak", "Bearer sixteen-bytes!!!", "{}"));
        clock.advance(Duration.ofSeconds(31));
        assertThat(call("data", "weak", "Bearer sixteen-bytes!!!", "{}").status()).isEqualTo(201);
    }

    @Test
    void aPresentedTokenOver4KiBIsRefusedBeforeItIsCompared() {
        String big = "b".repeat(4097);
        String edge = "e".repeat(4096);
        secret("big", big);
        secret("edge", edge);
        workflow("big", webhook(Fixtures.spec(Fixtures.step("a")), "big"));
        workflow("edge", webhook(Fixtures.spec(Fixtures.step("a")), "edge"));
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.limiter.size() == 4);
        int before = server.getRequestCount();
        // the Secret holds exactly this token, yet it is never read, let alone compared
        assertUnauthorized(call("data", "big", "Bearer " + big, "{}"));
        assertThat(server.getRequestCount() - before).isZero();
        assertThat(call("data", "edge", "Bearer " + edge, "{}").status()).isEqualTo(201);
    }

    @Test
    void wrongTokensUseUpNoLimit() {
        for (int i = 0; i < 10; i++) {
            assertUnauthorized(call("data", "plain", "Bearer wrong-token-" + i, "{}"));
        }
        assertThat(call("data", "plain", "Bearer " + TOKEN, "{}").status()).isEqualTo(201);
    }

    @Test
    void callsBeyondAWorkflowsLimitWaitAndItsBucketRefills() {
        for (int i = 0; i < 3; i++) {
            assertThat(call("data", "plain", "Bearer " + TOKEN, "{}").status()).isEqualTo(201);
        }
        WebhookHandler.Answer limited = call("data", "plain", "Bearer " + TOKEN, "{}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json()).isEqualTo("{\"error\":\"too many calls for workflow data/plain: try again in 20s\"}");
        assertThat(limited.headers()).containsEntry("Retry-After", "20");
        // another workflow has its own bucket
        assertThat(call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}").status()).isEqualTo(201);
        clock.advance(Duration.ofSeconds(20));
        assertThat(call("data", "plain", "Bearer " + TOKEN, "{}").status()).isEqualTo(201);
    }

    @Test
    void theGlobalLimitHoldsAcrossWorkflows() {
        start(new Webhooks.Settings(3, 4, Duration.ofSeconds(30), Duration.ofSeconds(60)), 2);
        for (int i = 0; i < 3; i++) {
            assertThat(call("data", "plain", "Bearer " + TOKEN, "{}").status()).isEqualTo(201);
        }
        assertThat(call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}").status()).isEqualTo(201);
        // etl has used one of its three, but all workflows together have used their four
        WebhookHandler.Answer limited = call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json()).isEqualTo("{\"error\":\"too many webhook calls: try again in 15s\"}");
        assertThat(limited.headers()).containsEntry("Retry-After", "15");
        clock.advance(Duration.ofSeconds(15));
        assertThat(call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}").status()).isEqualTo(201);
        assertThat(runs()).isEqualTo(5);
    }

    @Test
    void aWorkflowsBucketAndTokenGoWhenItsWebhookIsDisabledOrItIsDeleted() {
        assertThat(call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}").status()).isEqualTo(201);
        assertThat(webhooks.tokens.size()).isEqualTo(2);
        WorkflowResource etl = client.resources(WorkflowResource.class).inNamespace("data").withName("etl").get();
        etl.getSpec().webhook.enabled = false;
        client.resources(WorkflowResource.class).inNamespace("data").resource(etl).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.limiter.size() == 1 && webhooks.tokens.size() == 1);
        assertUnauthorized(call("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}"));
        client.resources(WorkflowResource.class).inNamespace("data").withName("plain").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.limiter.size() == 0 && webhooks.tokens.size() == 0);
        assertUnauthorized(call("data", "plain", "Bearer " + TOKEN, "{}"));
    }

    @Test
    void untilTheCacheIsSyncedEveryCallGetsTheSame503() {
        try (Webhooks cold = new Webhooks(client, Set.of(), new Webhooks.Settings(3, 100, Duration.ofSeconds(30),
                Duration.ofSeconds(60)), clock)) {
            int before = server.getRequestCount();
            for (WebhookHandler.Answer a : List.of(cold.handler.handle("data", "etl", "Bearer " + TOKEN, "{\"date\": \"d\"}", null),
                    cold.handler.handle("data", "nope", null, null, null))) {
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.json()).isEqualTo("{\"error\":\"unavailable\"}");
                assertThat(a.headers()).isEqualTo(Map.of("Content-Type", "application/json"));
            }
            assertThat(server.getRequestCount() - before).isZero();
        }
    }

    @Test
    void anApiServerErrorIsA503WithoutItsWords() {
        String secretWords = "etcdserver: leader changed (member 10.0.0.7:2380)";
        server.expect().get().withPath("/api/v1/namespaces/data/secrets/hook")
                .andReturn(500, MockApi.status(500, "InternalError", secretWords)).once();
        server.expect().post().withPath("/apis/stepwise.dev/v1alpha1/namespaces/data/runs")
                .andReturn(500, MockApi.status(500, "InternalError", secretWords)).once();
        List<WebhookHandler.Answer> answers = new ArrayList<>();
        answers.add(call("data", "plain", "Bearer " + TOKEN, "{}"));  // the Secret cannot be read
        clock.advance(WebhookTokens.RETRY);
        answers.add(call("data", "plain", "Bearer " + TOKEN, "{}"));  // the Run cannot be created
        for (WebhookHandler.Answer a : answers) {
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.json()).isEqualTo("{\"error\":\"unavailable\"}");
        }
        assertThat(call("data", "plain", "Bearer " + TOKEN, "{}").status()).isEqualTo(201);
    }

    @Test
    void aSecretTheOperatorMayNotReadKeepsTheWebhookClosedLikeAMissingOne() {
        server.expect().get().withPath("/api/v1/namespaces/data/secrets/hook")
                .andReturn(403, MockApi.status(403, "Forbidden", "secrets \"hook\" is forbidden: User cannot get")).once();
        assertUnauthorized(call("data", "plain", "Bearer " + TOKEN, "{}"));
        assertThat(client.v1().events().inNamespace("data").list().getItems()).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo("webhook closed: the operator may not read Secret 'hook'"));
    }

    @Test
    void refusedCallsAreLoggedAtMostOncePerIntervalWithTheCountOfTheOthers() {
        List<String> lines = new ArrayList<>();
        RefusalLog log = new RefusalLog(clock, Duration.ofSeconds(60), lines::add);
        for (int i = 0; i < 5; i++) {
            log.refused("wrong bearer token for workflow data/etl", "192.0.2.7");
        }
        clock.advance(Duration.ofSeconds(61));
        log.refused("no open webhook for workflow data/nope", null);
        assertThat(lines).containsExactly(
                "webhook call refused (401): wrong bearer token for workflow data/etl from 192.0.2.7",
                "webhook call refused (401): no open webhook for workflow data/nope; 4 more refused since the previous line, 61s ago");
    }

    @Test
    void theLimiterNeverMakesABucketForAWorkflowItWasNotToldOf() {
        RateLimiter limiter = new RateLimiter(3, 100, clock);
        for (int i = 0; i < 1000; i++) {
            limiter.take("data/wf-" + i);
        }
        assertThat(limiter.size()).isZero();
        limiter.open("data/etl");
        limiter.open("data/etl");
        assertThat(limiter.size()).isEqualTo(1);
        limiter.forget("data/etl");
        assertThat(limiter.size()).isZero();
    }
}
