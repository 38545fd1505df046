package dev.stepwise.webhook;

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
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook over HTTP, on a port of its own, byte for byte as a caller receives it. */
@EnableKubernetesMockClient(crud = true)
@Timeout(60)
class WebhookRouteTest {
    static final String TOKEN = "s3cret-t0ken-0123456";
    static final String UNAUTHORIZED = "HTTP/1.1 401 Unauthorized\r\n"
            + "Content-Type: application/json\r\n"
            + "WWW-Authenticate: Bearer\r\n"
            + "connection: close\r\n"
            + "content-length: 24\r\n"
            + "\r\n"
            + "{\"error\":\"unauthorized\"}";
    static KubernetesClient client;
    static KubernetesMockServer server;
    static Vertx vertx;
    Webhooks webhooks;
    static HttpServer http;
    static final AtomicReference<WebhookHandler> handler = new AtomicReference<>();

    @BeforeAll
    static void start() {
        client.secrets().inNamespace("data").resource(new SecretBuilder().withNewMetadata().withName("hook").endMetadata()
                .addToStringData("token", TOKEN).build()).create();
        WorkflowSpec open = Fixtures.spec(Fixtures.step("a"));
        open.webhook = new Webhook();
        open.webhook.enabled = true;
        open.webhook.tokenSecretRef = new SecretKeySelector("token", "hook", false);
        workflow("etl", open);
        workflow("closed", Fixtures.spec(Fixtures.step("a")));
        vertx = Vertx.vertx();
        http = WebhookRoute.listen(vertx, "127.0.0.1", 0, handler::get);
    }

    @AfterAll
    static void stop() {
        http.close().toCompletionStage().toCompletableFuture().join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void startWebhooks() {
        webhooks = new Webhooks(client, Set.of("data"), new Webhooks.Settings(60, 600, Duration.ofSeconds(30),
                Duration.ofSeconds(60)), new MutableClock()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> webhooks.workflows.synced() && webhooks.limiter.size() == 1);
    }

    @AfterEach
    void stopWebhooks() {
        webhooks.close();
    }

    private static void workflow(String name, WorkflowSpec spec) {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("data").build());
        wf.setSpec(spec);
        client.resources(WorkflowResource.class).inNamespace("data").resource(wf).create();
    }

    /** One request on a connection of its own (Connection: close, which the answer echoes); all the server sent back. */
    static String exchange(String method, String path, String authorization, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", http.actualPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyCallWithoutTheRightTokenGetsTheSameBytes() throws IOException, InterruptedException {
        handler.set(webhooks.handler);
        secretReads(); // what the informers asked for so far (their watches may still be starting) is not counted
        List<String> answers = List.of(
                exchange("POST", "/webhooks/data/nope", "Bearer " + TOKEN, "{}"),
                exchange("POST", "/webhooks/data/closed", "Bearer " + TOKEN, "{}"),
                exchange("POST", "/webhooks/other/etl", "Bearer " + TOKEN, "{}"),
                exchange("POST", "/webhooks/data/etl", "Bearer wrong-t0ken-0123456", "{}"),
                exchange("POST", "/webhooks/data/etl", null, "{}"),
                exchange("POST", "/webhooks/data/etl", "Bearer " + "x".repeat(5000), "{}"),
                exchange("POST", "/webhooks/Data/etl", "Bearer " + TOKEN, "{}"),
                exchange("POST", "/webhooks/data/%2E%2E", "Bearer " + TOKEN, "{}"),
                exchange("POST", "/webhooks/data/etl/runs", "Bearer " + TOKEN, "{}"),
                exchange("GET", "/webhooks/data/etl", "Bearer " + TOKEN, ""));
        assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(UNAUTHORIZED));
        // one Secret read, for the wrong token of the open webhook; nothing for the rest
        assertThat(secretReads()).containsExactly("/api/v1/namespaces/data/secrets/hook");
    }

    /**
     * The Secret requests the mock server received since the last call. Only Secrets are counted: an informer's
     * watch that starts late (the machine is busy) is no read of a token.
     */
    private static List<String> secretReads() throws InterruptedException {
        List<String> out = new java.util.ArrayList<>();
        for (var r = server.takeRequest(100, TimeUnit.MILLISECONDS); r != null; r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            if (r.getPath().contains("/secrets")) {
                out.add(r.getPath());
            }
        }
        return out;
    }

    @Test
    void theRightTokenStartsARunAndNothingButTheWebhookIsServedOnItsPort() throws IOException {
        handler.set(webhooks.handler);
        assertThat(exchange("POST", "/webhooks/data/etl", "Bearer " + TOKEN, "{}"))
                .startsWith("HTTP/1.1 201 Created\r\n").contains("\"name\":\"etl-webhook-");
        assertThat(exchange("GET", "/q/metrics", null, "")).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(exchange("GET", "/q/health/ready", null, "")).startsWith("HTTP/1.1 404 Not Found\r\n");
    }

    @Test
    void beforeStartupEveryCallGetsTheSame503() throws IOException {
        handler.set(null);
        String unavailable = "HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/json\r\n"
                + "connection: close\r\n"
                + "content-length: 23\r\n"
                + "\r\n"
                + "{\"error\":\"unavailable\"}";
        assertThat(exchange("POST", "/webhooks/data/etl", "Bearer " + TOKEN, "{}")).isEqualTo(unavailable);
        assertThat(exchange("POST", "/webhooks/data/nope", null, "{}")).isEqualTo(unavailable);
    }
}
