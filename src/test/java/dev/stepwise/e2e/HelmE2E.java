package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart as a platform engineer uses it: helm install of the previous chart (whose Run CRD
 * lacks a printer column, standing in for a CRD change), helm upgrade to this chart (the CRD is
 * updated, values take effect), an upgrade that narrows the watched namespaces (Roles in those
 * namespaces, no ClusterRole over them: a Run elsewhere is left alone), and helm uninstall, after
 * which only what the user asked to keep (the CRDs, crds.keep=true) is left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmE2E {
    static final String RELEASE = "stepwise";
    static final String NS = InClusterOperator.NAMESPACE;
    static final String COLUMN = "DURATION";
    static final List<String> CRDS = List.of("instancetypes.stepwise.dev", "runs.stepwise.dev",
            "workflowrevisions.stepwise.dev", "workflows.stepwise.dev");
    static KubernetesClient client;
    static String watched;
    static String other;

    @BeforeAll
    static void fromNothing() {
        client = E2eCluster.client();
        InClusterOperator.ensureImageLoaded();
        InClusterOperator.kubectl("delete", "-k", "operator/", "--ignore-not-found", "--wait=true", "--timeout=180s");
        for (String crd : CRDS) {
            InClusterOperator.kubectl("delete", "crd", crd, "--ignore-not-found", "--wait=true", "--timeout=120s");
        }
    }

    @AfterAll
    static void cleanUp() {
        if (client == null) {
            return;
        }
        try {
            E2eCluster.deleteNamespace(client, watched);
            E2eCluster.deleteNamespace(client, other);
            try {
                InClusterOperator.helm("uninstall", RELEASE, "-n", NS, "--wait", "--ignore-not-found");
            } catch (IllegalStateException ignored) {
                // uninstalled by the test already
            }
            client.namespaces().withName(NS).delete();
        } finally {
            client.close();
        }
    }

    /** The chart as it was one release ago: this chart with the DURATION printer column taken out of the Run CRD. */
    static Path previousChart() throws IOException {
        Path dir = Files.createTempDirectory("stepwise-chart-");
        InClusterOperator.run(List.of("cp", "-rL", "helm/stepwise", dir.toString()));
        Path runs = dir.resolve("stepwise/files/crds/runs.stepwise.dev-v1.yml");
        List<String> lines = Files.readAllLines(runs);
        int at = lines.indexOf("      name: \"" + COLUMN + "\"");
        assertThat(at).as("the DURATION column in " + runs).isPositive();
        // a column is four lines: "- jsonPath", name, priority, type
        assertThat(lines.get(at - 1)).contains("- jsonPath:");
        assertThat(lines.get(at + 2)).contains("type:");
        lines.subList(at - 1, at + 3).clear();
        Files.write(runs, lines);
        return dir.resolve("stepwise");
    }

    static boolean hasColumn() {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName("runs.stepwise.dev").get();
        return crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream().anyMatch(c -> c.getName().equals(COLUMN));
    }

    static Run runHelloWorld(String namespace) {
        E2eCluster.apply(client, E2eCluster.sample("hello-world.yaml"), namespace);
        return new RunWatch(client, namespace, "hello-world-1").awaitFinished(null);
    }

    @Test
    @Order(1)
    void installThenUpgradeUpdatesTheCrdsAndTheSettings() throws IOException {
        InClusterOperator.helm("install", RELEASE, previousChart().toString(), "-n", NS, "--create-namespace", "--wait", "--timeout", "180s");
        assertThat(hasColumn()).as("the previous chart's Run CRD").isFalse();
        E2eCluster.apply(client, E2eCluster.sample("instancetypes.yaml"), null);
        watched = E2eCluster.createNamespace(client, "e2e-helm");
        assertThat(runHelloWorld(watched).getStatus().phase).isEqualTo(RunPhase.Succeeded);

        InClusterOperator.helm("upgrade", RELEASE, "helm/stepwise", "-n", NS, "--set", "logTailBytes=1024",
                "--set", "logs.json=true", "--wait", "--timeout", "180s");
        assertThat(hasColumn()).as("the upgraded Run CRD has the DURATION column").isTrue();
        var env = client.apps().deployments().inNamespace(NS).withName(InClusterOperator.NAME).get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("STEPWISE_LOG_TAIL_BYTES");
            assertThat(e.getValue()).isEqualTo("1024");
        });
        InClusterOperator.awaitRolledOut(client, NS, InClusterOperator.NAME, 1);
        client.resources(Run.class).inNamespace(watched).withName("hello-world-1").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(Run.class).inNamespace(watched).withName("hello-world-1").get() == null);
        assertThat(runHelloWorld(watched).getStatus().phase).isEqualTo(RunPhase.Succeeded);
        // logs.json=true: one JSON object a line, the Run and the step as fields
        await("a JSON log line about step hello of hello-world-1").atMost(Duration.ofSeconds(30)).until(() ->
                InClusterOperator.logs(client, NS).lines().filter(l -> l.startsWith("{")).map(HelmE2E::json)
                        .anyMatch(j -> "dev.stepwise.activity".equals(j.path("loggerName").asText())
                                && "hello-world-1".equals(j.path("mdc").path("run").asText())
                                && "hello".equals(j.path("mdc").path("step").asText())
                                && watched.equals(j.path("mdc").path("namespace").asText())));
    }

    static com.fasterxml.jackson.databind.JsonNode json(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    @Test
    @Order(2)
    void aListOfNamespacesIsServedWithRolesThereAndNowhereElse() {
        other = E2eCluster.createNamespace(client, "e2e-helm-other");
        InClusterOperator.helm("upgrade", RELEASE, "helm/stepwise", "-n", NS, "--reuse-values",
                "--set", "watchNamespaces={" + watched + "}", "--wait", "--timeout", "180s");
        InClusterOperator.awaitRolledOut(client, NS, InClusterOperator.NAME, 1);
        assertThat(client.rbac().roles().inNamespace(watched).withName(InClusterOperator.NAME).get()).isNotNull();
        assertThat(client.rbac().roles().inNamespace(other).withName(InClusterOperator.NAME).get()).isNull();
        assertThat(client.rbac().clusterRoles().withName(InClusterOperator.NAME).get()).as("no ClusterRole over every namespace").isNull();
        // only the cluster-scoped kinds stay cluster-wide: InstanceTypes, and Namespaces (read for their labels)
        assertThat(client.rbac().clusterRoles().withName(InClusterOperator.NAME + "-instancetypes").get().getRules())
                .flatExtracting(r -> r.getResources()).containsExactlyInAnyOrder("instancetypes", "namespaces");

        client.resources(Run.class).inNamespace(watched).withName("hello-world-1").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(Run.class).inNamespace(watched).withName("hello-world-1").get() == null);
        assertThat(runHelloWorld(watched).getStatus().phase).isEqualTo(RunPhase.Succeeded);
        E2eCluster.apply(client, E2eCluster.sample("hello-world.yaml"), other);
        // not watched: never picked up (a Run the operator saw would be Pending within a second)
        await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).until(() -> {
            Run r = client.resources(Run.class).inNamespace(other).withName("hello-world-1").get();
            return r.getStatus() == null || r.getStatus().phase == null;
        });
        assertThat(InClusterOperator.logs(client, NS)).doesNotContainIgnoringCase("forbidden");
    }

    @Test
    @Order(3)
    void uninstallLeavesOnlyTheCrdsTheUserAskedToKeep() {
        InClusterOperator.helm("uninstall", RELEASE, "-n", NS, "--wait", "--timeout", "180s");
        InClusterOperator.awaitGone(client, NS);
        String selector = "app.kubernetes.io/instance=" + RELEASE;
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.serviceAccounts().inNamespace(NS).withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.rbac().clusterRoles().withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(client.rbac().clusterRoleBindings().withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(client.rbac().roles().inAnyNamespace().withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(client.rbac().roleBindings().inAnyNamespace().withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(client.leases().inNamespace(NS).list().getItems()).as("the Lease, released on the way out").isEmpty();
        assertThat(client.configMaps().inNamespace(NS).list().getItems()).allSatisfy(cm ->
                assertThat(cm.getMetadata().getName()).isEqualTo("kube-root-ca.crt"));
        assertThat(client.secrets().inNamespace(NS).list().getItems()).as("helm's release records").isEmpty();
        for (String crd : CRDS) {
            CustomResourceDefinition kept = client.apiextensions().v1().customResourceDefinitions().withName(crd).get();
            assertThat(kept).as(crd + " kept (crds.keep=true)").isNotNull();
            assertThat(kept.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        }
        assertThat(client.resources(Run.class).inNamespace(watched).withName("hello-world-1").get())
                .as("the user's Runs survive with the CRDs").isNotNull();
    }
}
