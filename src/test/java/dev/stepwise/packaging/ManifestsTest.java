package dev.stepwise.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.stepwise.testing.Tools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The install manifests render what they should: `helm lint` passes; `helm template` and
 * `kubectl kustomize operator/` carry the generated CRDs of crds/ unchanged and the RBAC rules of
 * operator/rbac (the one list: a ClusterRole for all namespaces, Roles per watched namespace
 * otherwise); both Deployments run the operator the same way (security context, probes, resources).
 */
class ManifestsTest {
    static final YAMLMapper YAML = new YAMLMapper();
    static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) ->
            a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;

    static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s\n%s%s", String.join(" ", cmd), out, err).isZero();
        return out;
    }

    static List<JsonNode> docs(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isMissingNode() && !n.isNull() && n.size() > 0) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static List<JsonNode> helmTemplate(String... sets) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.helm().toString(), "template", "stepwise", "helm/stepwise",
                "--namespace", "stepwise-system"));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        return docs(exec(cmd));
    }

    static List<JsonNode> kinds(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode one(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static JsonNode file(String path) throws IOException {
        return YAML.readTree(Path.of(path).toFile());
    }

    static List<JsonNode> generatedCrds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("crds"))) {
            List<JsonNode> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                out.add(YAML.readTree(p.toFile()));
            }
            return out;
        }
    }

    static void assertSameCrds(List<JsonNode> rendered) throws IOException {
        List<JsonNode> generated = generatedCrds();
        assertThat(rendered).hasSameSizeAs(generated);
        for (JsonNode crd : generated) {
            JsonNode r = one(rendered, "CustomResourceDefinition", crd.path("metadata").path("name").asText());
            // YAML round trips may write 1.0 as 1: numbers compare by value
            assertThat(r.path("spec").equals(NUMBERS_BY_VALUE, crd.path("spec")))
                    .as("%s rendered as generated:\n%s\n%s", crd.path("metadata").path("name").asText(), r.path("spec"), crd.path("spec"))
                    .isTrue();
        }
    }

    @Test
    void helmLintPasses() throws Exception {
        String out = exec(List.of(Tools.helm().toString(), "lint", "helm/stepwise", "--strict"));
        assertThat(out).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void theChartInstallsTheGeneratedCrdsAndTheOneListOfRules() throws Exception {
        List<JsonNode> docs = helmTemplate("podLabels.team=platform", "logTailBytes=4096", "defaultPendingTimeout=10m");
        assertSameCrds(kinds(docs, "CustomResourceDefinition"));
        assertThat(kinds(docs, "CustomResourceDefinition")).allSatisfy(c ->
                assertThat(c.path("metadata").path("annotations").path("helm.sh/resource-policy").asText()).isEqualTo("keep"));
        assertThat(one(docs, "ClusterRole", "stepwise-operator").path("rules"))
                .isEqualTo(file("operator/rbac/clusterrole.yaml").path("rules"));
        assertThat(one(docs, "Role", "stepwise-operator-leader-election").path("rules"))
                .isEqualTo(file("operator/rbac/leader-election-role.yaml").path("rules"));
        JsonNode pod = one(docs, "Deployment", "stepwise-operator").path("spec").path("template");
        assertThat(pod.path("metadata").path("labels").path("team").asText()).isEqualTo("platform");
        JsonNode env = pod.path("spec").path("containers").get(0).path("env");
        assertThat(env.toString()).contains("{\"name\":\"STEPWISE_LOG_TAIL_BYTES\",\"value\":\"4096\"}",
                "{\"name\":\"STEPWISE_DEFAULT_PENDING_TIMEOUT\",\"value\":\"10m\"}",
                "{\"name\":\"QUARKUS_OPERATOR_SDK_NAMESPACES\",\"value\":\"JOSDK_ALL_NAMESPACES\"}");
        assertThat(kinds(helmTemplate("crds.install=false"), "CustomResourceDefinition")).isEmpty();
    }

    @Test
    void aListOfWatchedNamespacesGetsRolesThereAndAClusterRoleOnlyForInstanceTypesAndNamespaces() throws Exception {
        List<JsonNode> docs = helmTemplate("watchNamespaces={data,ops}");
        ArrayNode all = (ArrayNode) file("operator/rbac/clusterrole.yaml").path("rules");
        List<JsonNode> namespaced = new ArrayList<>();
        List<JsonNode> cluster = new ArrayList<>();
        all.forEach(r -> (r.path("resources").toString().contains("\"instancetypes\"")
                || r.path("resources").toString().contains("\"namespaces\"") ? cluster : namespaced).add(r));
        assertThat(kinds(docs, "ClusterRole")).singleElement().satisfies(cr -> {
            assertThat(cr.path("metadata").path("name").asText()).isEqualTo("stepwise-operator-instancetypes");
            assertThat(cr.path("rules")).containsExactlyElementsOf(cluster);
        });
        for (String ns : List.of("data", "ops")) {
            JsonNode role = kinds(docs, "Role").stream().filter(r -> ns.equals(r.path("metadata").path("namespace").asText()))
                    .findFirst().orElseThrow();
            assertThat(role.path("rules")).containsExactlyElementsOf(namespaced);
            assertThat(kinds(docs, "RoleBinding")).anySatisfy(b -> {
                assertThat(b.path("metadata").path("namespace").asText()).isEqualTo(ns);
                assertThat(b.path("subjects").get(0).path("namespace").asText()).isEqualTo("stepwise-system");
            });
        }
        JsonNode env = one(docs, "Deployment", "stepwise-operator").path("spec").path("template").path("spec")
                .path("containers").get(0).path("env");
        assertThat(env.toString()).contains("{\"name\":\"QUARKUS_OPERATOR_SDK_NAMESPACES\",\"value\":\"data,ops\"}");
    }

    @Test
    void kustomizeInstallsTheGeneratedCrdsAndRunsTheOperatorLikeTheChart() throws Exception {
        List<JsonNode> docs = docs(exec(List.of(Tools.kubectl().toString(), "kustomize", "operator/")));
        assertSameCrds(kinds(docs, "CustomResourceDefinition"));
        assertThat(one(docs, "ClusterRoleBinding", "stepwise-operator").path("subjects").get(0).path("namespace").asText())
                .isEqualTo("stepwise-system");
        JsonNode kustomized = one(docs, "Deployment", "stepwise-operator").path("spec").path("template").path("spec");
        JsonNode charted = one(helmTemplate(), "Deployment", "stepwise-operator").path("spec").path("template").path("spec");
        assertThat(kustomized.path("securityContext")).isEqualTo(charted.path("securityContext"));
        assertThat(kustomized.path("volumes")).isEqualTo(charted.path("volumes"));
        for (String field : List.of("image", "securityContext", "resources", "startupProbe", "livenessProbe", "readinessProbe",
                "volumeMounts", "ports")) {
            assertThat(kustomized.path("containers").get(0).path(field)).as(field)
                    .isEqualTo(charted.path("containers").get(0).path(field));
        }
        // every setting the chart passes, the plain manifests pass too (with the defaults)
        List<String> chartEnv = new ArrayList<>();
        charted.path("containers").get(0).path("env").forEach(e -> chartEnv.add(e.path("name").asText()));
        List<String> kustomizeEnv = new ArrayList<>();
        kustomized.path("containers").get(0).path("env").forEach(e -> kustomizeEnv.add(e.path("name").asText()));
        assertThat(chartEnv).containsAll(kustomizeEnv);
    }

    @Test
    void theWebhookOnAPortOfItsOwnIsTheSameInTheChartAndInTheComponent() throws Exception {
        JsonNode defaultPod = container(one(helmTemplate(), "Deployment", "stepwise-operator"));
        assertThat(defaultPod.path("env").toString()).doesNotContain("STEPWISE_WEBHOOK_PORT");
        assertThat(kinds(helmTemplate(), "Service")).extracting(svc -> svc.path("metadata").path("name").asText())
                .containsExactly("stepwise-operator-metrics");

        List<JsonNode> charted = helmTemplate("webhook.port=8081");
        // an overlay as a user writes one: the plain manifests plus the component (kustomize wants relative paths)
        Path overlay = Files.createDirectories(Path.of("target", "manifests-test", "webhook-port"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                namespace: stepwise-system
                resources: [../../../operator]
                components: [../../../operator/webhook-port]
                """);
        List<JsonNode> kustomized = docs(exec(List.of(Tools.kubectl().toString(), "kustomize", overlay.toString())));
        // objects compare by their fields, in any order (kustomize and helm each sort them their way)
        for (List<JsonNode> docs : List.of(charted, kustomized)) {
            JsonNode c = container(one(docs, "Deployment", "stepwise-operator"));
            assertThat(c.path("ports")).isEqualTo(YAML.readTree("[{name: http, containerPort: 8080}, {name: webhook, containerPort: 8081}]"));
            assertThat(c.path("env").toString()).contains("{\"name\":\"STEPWISE_WEBHOOK_PORT\",\"value\":\"8081\"}");
            JsonNode svc = one(docs, "Service", "stepwise-operator-webhook");
            assertThat(svc.path("metadata").path("namespace").asText()).isEqualTo("stepwise-system");
            assertThat(svc.path("spec").path("ports")).isEqualTo(YAML.readTree("[{name: webhook, port: 8081, targetPort: webhook}]"));
            assertThat(svc.path("spec").path("selector"))
                    .isEqualTo(one(docs, "Service", "stepwise-operator-metrics").path("spec").path("selector"));
        }
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }
}
