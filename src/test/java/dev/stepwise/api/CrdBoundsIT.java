package dev.stepwise.api;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.testing.RealApiServer;
import dev.stepwise.testing.Yaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bounds the CRDs state, as a real kube-apiserver enforces them at create (SPEC "Sharing a cluster"). */
class CrdBoundsIT {
    static final String NS = "bounds-it";
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        client = RealApiServer.client();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    }

    private static Run run(String name, String workflow, String extra) {
        Run run = Yaml.load(Run.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: %s}
                spec:
                  workflowRef: {name: %s}
                %s""".formatted(name, workflow, extra.indent(2)));
        run.getMetadata().setNamespace(NS);
        return run;
    }

    private static Run create(Run run) {
        return client.resource(run).create();
    }

    @Test
    void aParamValueOf4096CharactersIsTakenAndOneLongerIsRefused() {
        assertThat(create(run("edge", "etl", "params: {note: " + "x".repeat(4096) + "}"))).isNotNull();

        assertThatThrownBy(() -> create(run("over", "etl", "params: {note: " + "x".repeat(4097) + "}")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.params.note").contains("4096");
                });
    }

    @Test
    void moreThan100ParamsAreRefused() {
        StringBuilder params = new StringBuilder("params: {");
        for (int i = 0; i <= 100; i++) {
            params.append(i == 0 ? "" : ", ").append("p").append(i).append(": v");
        }
        assertThatThrownBy(() -> create(run("many", "etl", params + "}")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e ->
                        assertThat(e.getMessage()).contains("spec.params").contains("100"));
    }

    @Test
    void aWorkflowRefNameOrRetryOfThatIsNoDnsSubdomainIsRefused() {
        assertThatThrownBy(() -> create(run("bad-ref", "Bad_Name;rm", "")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.workflowRef.name");
                });
        assertThatThrownBy(() -> create(run("bad-retry", "etl", "retryOf: ../etl-1")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e ->
                        assertThat(e.getMessage()).contains("spec.retryOf"));
        assertThatThrownBy(() -> create(run("long-ref", "a".repeat(254), "")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e ->
                        assertThat(e.getMessage()).contains("spec.workflowRef.name"));
    }

    @Test
    void anEnvValueOfAnEmbeddedKubernetesTypeIsBoundedToo() {
        WorkflowResource wf = Yaml.load(WorkflowResource.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: big-env}
                spec:
                  steps: [{name: a, image: busybox, env: [{name: X, value: %s}]}]
                """.formatted("x".repeat(32 * 1024 + 1)));
        wf.getMetadata().setNamespace(NS);
        assertThatThrownBy(() -> client.resource(wf).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e ->
                        assertThat(e.getMessage()).contains("spec.steps[0].env[0].value"));
    }

    /** Tightening the schema must not turn away what we tell users to apply. */
    @Test
    void everySampleIsStillTaken() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("samples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    objects.addAll(client.load(in).items());
                }
            }
        }
        List<String> checked = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (!List.of("Workflow", "Run", "InstanceType").contains(o.getKind())) {
                continue;
            }
            if (!"InstanceType".equals(o.getKind())) {
                o.getMetadata().setNamespace(NS);
            }
            client.resource(o).dryRun().create();
            checked.add(o.getKind() + "/" + o.getMetadata().getName());
        }
        assertThat(checked).hasSizeGreaterThan(10);
    }
}
