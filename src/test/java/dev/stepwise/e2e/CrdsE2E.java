package dev.stepwise.e2e;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRDs of crds/ as installed in the cluster, checked against what SPEC promises a kubectl user:
 * short names, the {@code stepwise} category, and the printer columns of {@code kubectl get} in SPEC's order.
 */
class CrdsE2E {
    private static KubernetesClient client;

    @BeforeAll
    static void install() {
        client = E2eCluster.client();
        E2eCluster.installCrds(client);
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void shortNamesAndTheStepwiseCategory() {
        assertNames("workflows", "Workflow", "Namespaced", "swf");
        assertNames("workflowrevisions", "WorkflowRevision", "Namespaced", "swrev");
        assertNames("runs", "Run", "Namespaced", "swrun");
        assertNames("instancetypes", "InstanceType", "Cluster", "sit");
    }

    // SPEC: "Printer columns: ACTIVE, REVISION, LAST RUN, LAST PHASE, NEXT SCHEDULE, AGE."
    @Test
    void kubectlGetWorkflowsShowsTheSpecColumnsInOrder() {
        assertThat(columns("workflows")).containsExactly("ACTIVE", "REVISION", "LAST RUN", "LAST PHASE", "NEXT SCHEDULE", "AGE");
    }

    // SPEC: "Printer columns: WORKFLOW, PHASE, PROGRESS, STARTED, DURATION, AGE."
    @Test
    void kubectlGetRunsShowsTheSpecColumnsInOrder() {
        assertThat(columns("runs")).containsExactly("WORKFLOW", "PHASE", "PROGRESS", "STARTED", "DURATION", "AGE");
    }

    // SPEC: "Printer columns: WORKFLOW, REVISION, STEPS, AGE."
    @Test
    void kubectlGetWorkflowRevisionsShowsTheSpecColumnsInOrder() {
        assertThat(columns("workflowrevisions")).containsExactly("WORKFLOW", "REVISION", "STEPS", "AGE");
    }

    private static CustomResourceDefinition crd(String plural) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .withName(plural + ".stepwise.dev").get();
        assertThat(crd).as("CRD %s.stepwise.dev installed", plural).isNotNull();
        return crd;
    }

    private static void assertNames(String plural, String kind, String scope, String shortName) {
        CustomResourceDefinition crd = crd(plural);
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind);
        assertThat(crd.getSpec().getScope()).isEqualTo(scope);
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly(shortName);
        assertThat(crd.getSpec().getNames().getCategories()).contains("stepwise");
        assertThat(crd.getSpec().getVersions()).extracting(v -> v.getName()).containsExactly("v1alpha1");
    }

    /** The columns kubectl get shows after NAME (priority 0), in order. */
    private static List<String> columns(String plural) {
        return crd(plural).getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                .filter(c -> c.getPriority() == null || c.getPriority() == 0)
                .map(CustomResourceColumnDefinition::getName)
                .toList();
    }
}
