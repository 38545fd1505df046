package dev.stepwise.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** chaos/bad-input's generator without a cluster: what it sends is what its categories say. */
class BadInputTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private static GenericKubernetesResource parse(String yaml) {
        return YAML.unmarshal(yaml, GenericKubernetesResource.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(BadInput.Manifest m) {
        return (Map<String, Object>) parse(m.yaml()).getAdditionalProperties().get("spec");
    }

    private static BadInput.Manifest first(List<BadInput.Manifest> ms, String category) {
        return ms.stream().filter(m -> m.category().equals(category)).findFirst().orElseThrow();
    }

    /** One round of every category (they are taken in turn). */
    @Test
    void everyManifestIsYamlOfTheKindAndNameItClaimsAndTheSeedFixesThem() {
        List<BadInput.Manifest> ms = new BadInput(18).generate(20);
        for (BadInput.Manifest m : ms) {
            GenericKubernetesResource r = parse(m.yaml());
            assertThat(r.getKind()).as(m.category()).isEqualTo(m.kind());
            assertThat(r.getMetadata().getName()).as(m.category()).isEqualTo(m.name());
        }
        assertThat(new BadInput(18).generate(20)).isEqualTo(ms);
        assertThat(ms.stream().map(BadInput.Manifest::category).filter(c -> c.startsWith("hostile: ")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("hostile: template bomb", "hostile: CEL regex bomb", "hostile: CEL comprehension bomb",
                        "hostile: 1 MiB param value", "hostile: param breaking its pattern", "hostile: undeclared stepParams env",
                        "hostile: link-local (metadata) notification URL", "hostile: nonexistent InstanceType");
        assertThat(ms).filteredOn(m -> m.category().startsWith("hostile: ")).allSatisfy(m -> assertThat(m.expect()).isNotNull());
        for (String fixture : BadInput.guardedFixtures().split("\n---\n")) {
            assertThat(parse(fixture).getMetadata().getName()).isNotBlank();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHostileManifestsCarryWhatIssue26Names() {
        List<BadInput.Manifest> ms = new BadInput(18).generate(20);

        Map<String, Object> bomb = ((List<Map<String, Object>>) spec(first(ms, "hostile: template bomb")).get("steps")).get(0);
        String arg = ((List<String>) bomb.get("args")).get(0);
        assertThat(arg).startsWith("{{").doesNotContain("}}").hasSize(2 + 100 * 1024);

        Map<String, Object> regex = ((List<Map<String, Object>>) spec(first(ms, "hostile: CEL regex bomb")).get("steps")).get(1);
        assertThat(regex.get("when")).isEqualTo("params.x.matches('((a{1000}){1000}){1000}')");

        Map<String, Object> comprehension = ((List<Map<String, Object>>) spec(first(ms, "hostile: CEL comprehension bomb")).get("steps")).get(1);
        assertThat((String) comprehension.get("when")).startsWith("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(a, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(b, ")
                .contains(".map(h, a)").endsWith(".size() > 0");

        assertThat(((Map<String, String>) spec(first(ms, "hostile: 1 MiB param value")).get("params")).get("who")).hasSize(1024 * 1024);
        assertThat(spec(first(ms, "hostile: param breaking its pattern")).get("params")).isEqualTo(Map.of("slug", "a;rm -rf /"));
        assertThat(spec(first(ms, "hostile: undeclared stepParams env")).get("stepParams"))
                .isEqualTo(Map.of("a", Map.of("LD_PRELOAD", "/tmp/evil.so")));
        assertThat(spec(first(ms, "hostile: link-local (metadata) notification URL")).get("workflowRef")).isEqualTo(Map.of("name", BadInput.NOTIFY_WORKFLOW));
        assertThat(BadInput.guardedFixtures()).contains("url: \"http://169.254.169.254/latest/meta-data/\"").contains("pattern: '^[a-z]+$'");
        Map<String, Object> noType = spec(first(ms, "hostile: nonexistent InstanceType"));
        assertThat((Map<String, Object>) noType.get("defaults")).doesNotContainKey("instanceType");
        assertThat(((List<Map<String, Object>>) noType.get("steps")).get(0)).containsEntry("instanceType", "no-such-instance-type");
    }
}
