package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.Fixtures;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Run's outputs Secret: what dependants' secretKeyRefs read, and what the operator reads back. */
@EnableKubernetesMockClient(crud = true)
class SensitiveOutputsTest {
    KubernetesClient client;
    private Run run;

    @BeforeEach
    void start() {
        run = Fixtures.run("etl-1", 1, Map.of());
        run.getMetadata().setNamespace("data");
        run.getMetadata().setUid("run-uid");
    }

    private Secret secret() {
        return client.secrets().inNamespace("data").withName(SensitiveOutputs.secretName("etl-1")).get();
    }

    private static String decoded(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void eachOutputHasAKeyOfItsOwnHoldingTheRawValueAndReadingBackIgnoresThem() {
        new SensitiveOutputs(client).write(run, Map.of("login", Map.of("token", "s3cr3t", "json", "{\"a\":\"b\"}")));

        Secret s = secret();
        assertThat(decoded(s, "login.outputs.token")).isEqualTo("s3cr3t");
        // an output named json is not taken for a step's <step>.json
        assertThat(decoded(s, "login.outputs.json")).isEqualTo("{\"a\":\"b\"}");
        assertThat(new SensitiveOutputs(client).read(run)).containsOnlyKeys("login")
                .containsEntry("login", Map.of("token", "s3cr3t", "json", "{\"a\":\"b\"}"));
    }

    @Test
    void aSecretWrittenBeforeOutputsHadKeysOfTheirOwnGetsThemWhenFirstRead() {
        SensitiveOutputs outputs = new SensitiveOutputs(client);
        Map<String, String> old = SensitiveOutputs.data(Map.of("login", Map.of("token", "s3cr3t")));
        old.keySet().removeIf(k -> !k.endsWith(".json"));
        client.secrets().inNamespace("data").resource(new SecretBuilder().withNewMetadata()
                .withName(SensitiveOutputs.secretName("etl-1")).withNamespace("data")
                .addNewOwnerReference().withApiVersion("stepwise.dev/v1alpha1").withKind("Run").withName("etl-1")
                .withUid("run-uid").withController(true).endOwnerReference()
                .endMetadata().withData(old).build()).create();

        assertThat(outputs.read(run)).containsEntry("login", Map.of("token", "s3cr3t"));
        assertThat(decoded(secret(), "login.outputs.token")).isEqualTo("s3cr3t");
    }
}
