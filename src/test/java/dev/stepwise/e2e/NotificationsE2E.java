package dev.stepwise.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.stepwise.api.v1alpha1.NotificationStatus;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications to a small HTTP receiver this test starts (the operator runs on this machine, so it
 * reaches 127.0.0.1, which OperatorProcess allow-lists: plain http to a loopback address is refused
 * otherwise): RuntimeExceeded while the Run runs, then Succeeded; a 503 is retried; each attempt is
 * an Event; the URL (it holds a token) is never in the operator's log.
 */
class NotificationsE2E extends OperatorE2E {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRunThatRunsLongThenSucceedsIsToldTwiceAndA503IsRetried() throws Exception {
        List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/secret-path-7f3a", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // the very first call is refused: the operator must try again
            int code = calls.incrementAndGet() == 1 ? 503 : 200;
            if (code == 200) {
                received.add(JSON.readValue(new String(body, StandardCharsets.UTF_8), Map.class));
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/secret-path-7f3a";
            ns = E2eCluster.createNamespace(client, "e2e-notify");
            E2eCluster.applyYaml(client, """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: chat}
                    stringData: {url: "%s"}
                    ---
                    apiVersion: stepwise.dev/v1alpha1
                    kind: Workflow
                    metadata: {name: nightly}
                    spec:
                      notifications:
                        - events: [RuntimeExceeded, Succeeded, Failed]
                          runtimeExceeded: 3s
                          webhook: {urlSecretRef: {name: chat, key: url}}
                      steps:
                        - {name: slow, image: busybox:1.36, command: [sleep, "8"]}
                    ---
                    apiVersion: stepwise.dev/v1alpha1
                    kind: Run
                    metadata: {name: nightly-1}
                    spec: {workflowRef: {name: nightly}}
                    """.formatted(url), ns);
            Run run = new RunWatch(client, ns, "nightly-1").awaitFinished(operator);
            assertThat(run.getStatus().phase).isEqualTo(RunPhase.Succeeded);
            await("both notifications delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Run r = client.resources(Run.class).inNamespace(ns).withName("nightly-1").get();
                return r.getStatus().notifications != null && r.getStatus().notifications.size() == 2
                        && r.getStatus().notifications.stream().allMatch(n -> Boolean.TRUE.equals(n.delivered));
            });
            // RuntimeExceeded's first send got the 503; its retry (10 s later) may come after Succeeded
            assertThat(received).extracting(b -> b.get("event")).containsExactlyInAnyOrder("RuntimeExceeded", "Succeeded");
            Map<String, Object> succeeded = received.stream().filter(b -> "Succeeded".equals(b.get("event"))).findFirst().orElseThrow();
            assertThat(succeeded).containsEntry("workflow", "nightly").containsEntry("run", "nightly-1")
                    .containsEntry("namespace", ns).containsEntry("phase", "Succeeded").containsKey("duration");
            Run after = client.resources(Run.class).inNamespace(ns).withName("nightly-1").get();
            NotificationStatus exceeded = after.getStatus().notifications.stream()
                    .filter(n -> n.event.equals("RuntimeExceeded")).findFirst().orElseThrow();
            assertThat(exceeded.attempts).isEqualTo(2);
            assertThat(exceeded.lastResult).isEqualTo("HTTP 200");
            assertThat(RunWatch.events(client, ns, "Run", "nightly-1")).extracting(e -> e.getReason())
                    .contains("NotificationFailed", "NotificationSent");
            assertThat(calls.get()).isEqualTo(3);
            assertThat(operator.logTail(100000)).doesNotContain("secret-path-7f3a");
        } finally {
            receiver.stop(0);
        }
    }
}
