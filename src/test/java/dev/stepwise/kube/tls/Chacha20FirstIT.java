package dev.stepwise.kube.tls;

import dev.stepwise.testing.RealApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cipher suite a real kube-apiserver (Go's TLS) agrees on with the operator's client, read
 * from the JVM's own record of each TLS handshake (JFR jdk.TLSHandshake).
 */
class Chacha20FirstIT {
    private static Config config;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        config = RealApiServer.client().getConfiguration();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @Test
    void theOperatorsClientTalksChacha20WithTheApiServerAndWorksAsBefore() {
        List<String> suites = handshakes(() -> new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new Chacha20FirstHttpClientFactory(vertx)).build());
        assertThat(suites).isNotEmpty().containsOnly(CipherOrder.CHACHA20);
    }

    @Test
    void withoutItTheSameServerPicksAesGcm() {
        // the control: shows the test above sees the factory's doing, not the server's default
        List<String> suites = handshakes(() -> new KubernetesClientBuilder().withConfig(config).build());
        assertThat(suites).isNotEmpty().allSatisfy(s -> assertThat(s).contains("AES").contains("GCM"));
    }

    /** Cipher suites of the TLS handshakes a new client makes for a get and a list. */
    private static List<String> handshakes(Supplier<KubernetesClient> newClient) {
        List<String> suites = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("jdk.TLSHandshake");
            rs.onEvent("jdk.TLSHandshake", e -> suites.add(e.getString("cipherSuite")));
            rs.startAsync();
            try (KubernetesClient client = newClient.get()) {
                assertThat(client.namespaces().withName("default").get()).isNotNull();
                assertThat(client.configMaps().inNamespace("default").list().getItems()).isNotNull();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !suites.isEmpty());
        }
        return suites;
    }
}
