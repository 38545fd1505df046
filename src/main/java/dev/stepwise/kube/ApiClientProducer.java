package dev.stepwise.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.kube.tls.Chacha20FirstHttpClientFactory;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapper;
import io.quarkus.kubernetes.client.KubernetesResources;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The operator's one Kubernetes client: Quarkus's (its Config, serialization and Vert.x), with
 * ChaCha20-Poly1305 offered first in TLS unless {@code stepwise.api-tls.chacha20-first=false}
 * (STEPWISE_API_TLS_CHACHA20_FIRST), and its serialization with a cheaper deep copy
 * ({@link BufferedCloneSerialization}). Replace Quarkus's default beans.
 */
public class ApiClientProducer {
    /** As Quarkus makes it (its ObjectMapper, the resource classes it found at build time), copying faster. */
    @Produces
    @Singleton
    @SuppressWarnings("unchecked")
    KubernetesSerialization kubernetesSerialization(@KubernetesClientObjectMapper ObjectMapper mapper,
            @KubernetesResources Class[] resources) {
        KubernetesSerialization serialization = new BufferedCloneSerialization(mapper);
        for (Class<?> resource : resources) {
            serialization.registerKubernetesResource((Class<? extends KubernetesResource>) resource);
        }
        return serialization;
    }

    @Produces
    @Singleton
    KubernetesClient kubernetesClient(Config config, KubernetesSerialization serialization, Vertx vertx,
            @ConfigProperty(name = "stepwise.api-tls.chacha20-first", defaultValue = "true") boolean chacha20First) {
        KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(serialization);
        if (chacha20First) {
            builder.withHttpClientFactory(new Chacha20FirstHttpClientFactory(vertx));
        }
        return builder.build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
