package dev.stepwise.packaging;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** samples/rbac: plain Roles (README "Multi-tenancy"), the run starter's without pods or Secrets. */
class SampleRolesTest {
    private static Role role(String file) throws IOException {
        return Serialization.unmarshal(Files.readString(Path.of("samples/rbac", file)), Role.class);
    }

    private static List<String> resources(Role role) {
        return role.getRules().stream().map(PolicyRule::getResources).flatMap(List::stream).toList();
    }

    @Test
    void theSampleRolesAreRolesAndOnlyTheAuthorsReadPods() throws IOException {
        Role author = role("workflow-author.yaml");
        Role starter = role("run-starter.yaml");
        assertThat(List.of(author, starter)).allSatisfy(r -> {
            assertThat(r.getApiVersion()).isEqualTo("rbac.authorization.k8s.io/v1");
            assertThat(r.getKind()).isEqualTo("Role");
            assertThat(r.getMetadata().getNamespace()).as("applied per namespace with -n").isNull();
            assertThat(resources(r)).doesNotContain("secrets", "instancetypes", "*");
        });
        assertThat(resources(author)).contains("workflows", "runs", "pods/log");
        assertThat(resources(starter)).containsExactlyInAnyOrder("workflows", "workflowrevisions", "runs")
                .doesNotContain("pods", "pods/log");
        assertThat(starter.getRules()).filteredOn(r -> r.getResources().contains("runs")).singleElement()
                .satisfies(r -> assertThat(r.getVerbs()).doesNotContain("delete", "update"));
    }
}
