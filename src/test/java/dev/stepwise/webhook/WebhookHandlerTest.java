package dev.stepwise.webhook;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.Webhook;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.core.Fixtures;
import dev.stepwise.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook's answers, against the Fabric8 mock server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class WebhookHandlerTest {
    static KubernetesClient client;
    private final MutableClock clock = new MutableClock();
    private WebhookHandler handler;

    @BeforeEach
    void setUp() {
        handler = new WebhookHandler(client, new RateLimiter(3, clock));
        client.secrets().inNamespace("data").resource(new SecretBuilder().withNewMetadata().withName("hook").endMetadata()
                .addToStringData("token", "s3cret-t0ken").build()).createOr(o -> o.update());
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        Param date = new Param("date", null);
        date.required = true;
        spec.params = List.of(date, new Param("table", "orders"));
        spec.webhook = new Webhook();
        spec.webhook.enabled = true;
        spec.webhook.tokenSecretRef = new SecretKeySelector("token", "hook", false);
        workflow("etl", spec);
        WorkflowSpec closed = Fixtures.spec(Fixtures.step("a"));
        workflow("closed", closed);
    }

    private void workflow(String name, WorkflowSpec spec) {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("data").build());
        wf.setSpec(spec);
        client.resources(WorkflowResource.class).inNamespace("data").resource(wf).createOr(o -> o.update());
    }

    @Test
    void aRightCallStartsARunTriggeredByTheWebhookWithItsParams() {
        WebhookHandler.Answer a = handler.handle("data", "etl", "Bearer s3cret-t0ken", "{\"date\": \"2026-11-01\", \"table\": 7}");
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
        int runsBefore = client.resources(Run.class).inNamespace("data").list().getItems().size();
        WebhookHandler.Answer unknown = handler.handle("data", "etl", "Bearer s3cret-t0ken", "{\"dat\": \"x\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json()).contains("missing required param 'date'").contains("unknown param 'dat'");
        assertThat(handler.handle("data", "etl", "Bearer s3cret-t0ken", "[1, 2]").json()).contains("must be a JSON object");
        WebhookHandler.Answer nested = handler.handle("data", "etl", "Bearer s3cret-t0ken", "{\"date\": {\"a\": 1}}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json()).contains("param 'date' must be a string, number or boolean");
        assertThat(client.resources(Run.class).inNamespace("data").list().getItems()).hasSize(runsBefore);
    }

    @Test
    void wrongOrMissingTokensAndUnknownWebhooksAreRefused() {
        assertThat(handler.handle("data", "etl", "Bearer s3cret-t0kem", "{}").status()).isEqualTo(401);
        assertThat(handler.handle("data", "etl", null, "{}").status()).isEqualTo(401);
        assertThat(handler.handle("data", "closed", "Bearer s3cret-t0ken", "{}").status()).isEqualTo(404);
        assertThat(new WebhookHandler(client, new RateLimiter(10, clock)).handle("data", "nope", "Bearer x", "{}").status())
                .isEqualTo(404);
        assertThat(WebhookHandler.bearer("bearer abc ")).isEqualTo("abc");
        assertThat(WebhookHandler.sameToken("abc", "")).isFalse();
    }

    @Test
    void callsBeyondTheRateLimitWaitAndTheBucketRefills() {
        for (int i = 0; i < 3; i++) {
            assertThat(handler.handle("data", "etl", "Bearer wrong", "{}").status()).isEqualTo(401);
        }
        WebhookHandler.Answer limited = handler.handle("data", "etl", "Bearer s3cret-t0ken", "{\"date\": \"d\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
        // another workflow has its own bucket
        assertThat(handler.handle("data", "closed", "Bearer s3cret-t0ken", "{}").status()).isEqualTo(404);
        clock.advance(Duration.ofSeconds(20));
        assertThat(handler.handle("data", "etl", "Bearer s3cret-t0ken", "{\"date\": \"d\"}").status()).isEqualTo(201);
    }
}
