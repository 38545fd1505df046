package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.testing.MutableClock;
import dev.stepwise.testing.RealApiServer;
import dev.stepwise.testing.TestOperator;
import dev.stepwise.testing.Yaml;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Workflow reconciler against a real kube-apiserver: validation, revisions, conditions. */
class WorkflowReconcilerIT {
    static final String NS = "wf-it";
    static KubernetesClient client;
    static TestOperator operator;

    @BeforeAll
    static void start() {
        client = RealApiServer.client();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        operator = new TestOperator(client, new MutableClock());
    }

    @AfterAll
    static void stop() {
        operator.close();
    }

    static WorkflowResource apply(String yaml) {
        WorkflowResource wf = Yaml.load(WorkflowResource.class, yaml);
        wf.getMetadata().setNamespace(NS);
        return client.resource(wf).serverSideApply();
    }

    static WorkflowResource get(String name) {
        return client.resources(WorkflowResource.class).inNamespace(NS).withName(name).get();
    }

    static Condition condition(WorkflowResource wf, String type) {
        return wf.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    @Test
    void validWorkflowPublishesRevisionOneAndIsReady() {
        apply("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: hello}
                spec:
                  steps:
                    - {name: a, image: busybox:1.36, command: [echo, hi]}
                    - {name: b, image: busybox:1.36, dependsOn: [a]}
                """);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            WorkflowResource wf = get("hello");
            assertThat(wf.getStatus()).isNotNull();
            assertThat(wf.getStatus().currentRevision).isEqualTo("hello-r1");
            assertThat(wf.getStatus().revision).isEqualTo(1);
            assertThat(wf.getStatus().observedGeneration).isEqualTo(wf.getMetadata().getGeneration());
            assertThat(condition(wf, "Ready").getStatus()).isEqualTo("True");
            assertThat(condition(wf, "Stalled").getStatus()).isEqualTo("False");
        });
        WorkflowRevision rev = client.resources(WorkflowRevision.class).inNamespace(NS).withName("hello-r1").get();
        assertThat(rev.getSpec().workflow).isEqualTo("hello");
        assertThat(rev.getSpec().template.steps).extracting(s -> s.name).containsExactly("a", "b");
        assertThat(rev.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("Workflow"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            WorkflowRevision r = client.resource(rev).get();
            assertThat(r.getStatus()).isNotNull();
            assertThat(r.getStatus().steps).isEqualTo(2);
            assertThat(r.getStatus().graph).hasSize(2);
            assertThat(r.getStatus().graph.get(1).steps.get(0).dependsOn).containsExactly("a");
        });
    }

    @Test
    void onlyAChangeOfWhatRunsPublishesANewRevision() {
        String base = """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: evolving}
                spec:
                  description: %s
                  steps:
                    - {name: a, image: busybox:1.36, command: [echo, %s]}
                """;
        apply(base.formatted("first", "one"));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("evolving").getStatus() != null
                && "evolving-r1".equals(get("evolving").getStatus().currentRevision));
        WorkflowResource described = apply(base.formatted("second", "one"));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("evolving").getStatus().observedGeneration
                .equals(described.getMetadata().getGeneration()));
        assertThat(get("evolving").getStatus().currentRevision).isEqualTo("evolving-r1");

        apply(base.formatted("second", "two"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "evolving-r2".equals(get("evolving").getStatus().currentRevision));
        assertThat(client.resources(WorkflowRevision.class).inNamespace(NS).list().getItems())
                .extracting(r -> r.getMetadata().getName()).contains("evolving-r1", "evolving-r2")
                .doesNotContain("evolving-r3");
    }

    @Test
    void aRevisionCannotBeChanged() {
        apply("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: frozen}
                spec:
                  steps: [{name: a, image: busybox:1.36}]
                """);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.resources(WorkflowRevision.class).inNamespace(NS).withName("frozen-r1").get() != null);
        WorkflowRevision rev = client.resources(WorkflowRevision.class).inNamespace(NS).withName("frozen-r1").get();
        rev.getSpec().template.steps.get(0).image = "evil:latest";
        assertThatThrownBy(() -> client.resource(rev).update())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("a WorkflowRevision is immutable");
    }

    @Test
    void invalidWorkflowIsStalledNamingEveryProblemAndPublishesNothing() {
        apply("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: broken}
                spec:
                  params: [{name: date}]
                  steps:
                    - {name: a, image: busybox:1.36, dependsOn: [c]}
                    - {name: b, image: busybox:1.36, dependsOn: [a], instanceType: galactic}
                    - {name: c, image: busybox:1.36, dependsOn: [b], args: ["{{params.nope}}"]}
                    - {name: d, image: busybox:1.36, when: "params.date ==", dependsOn: [ghost]}
                """);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            WorkflowResource wf = get("broken");
            assertThat(wf.getStatus()).isNotNull();
            Condition ready = condition(wf, "Ready");
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("Invalid");
            assertThat(condition(wf, "Stalled").getStatus()).isEqualTo("True");
            assertThat(ready.getMessage())
                    .contains("cycle")
                    .contains("unknown InstanceType 'galactic'")
                    .contains("no param 'nope'")
                    .contains("invalid when")
                    .contains("unknown step 'ghost'");
            assertThat(wf.getStatus().currentRevision).isNull();
        });
        assertThat(client.resources(WorkflowRevision.class).inNamespace(NS).withName("broken-r1").get()).isNull();
    }

    @Test
    void aMissingInstanceTypeThatAppearsLaterMakesTheWorkflowReady() {
        apply("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: waits-for-type}
                spec:
                  steps: [{name: a, image: busybox:1.36, instanceType: later}]
                """);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("waits-for-type").getStatus() != null
                && "False".equals(condition(get("waits-for-type"), "Ready").getStatus()));
        client.resource(Yaml.load(InstanceType.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: later}
                spec: {resources: {requests: {cpu: 100m}}}
                """)).serverSideApply();
        await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(condition(get("waits-for-type"), "Ready").getStatus()));
        assertThat(get("waits-for-type").getStatus().currentRevision).isEqualTo("waits-for-type-r1");
    }

    @Test
    void theSchemaRejectsWhatItCanAtApply() {
        // the largest workflow the schema allows is accepted (a pairwise CEL uniqueness rule once exceeded the cost limit
        // here); duplicate names are the operator's to report (Ready=False), as SPEC lists them
        StringBuilder big = new StringBuilder("apiVersion: stepwise.dev/v1alpha1\nkind: Workflow\nmetadata: {name: big}\nspec:\n"
                + "  defaults: {image: busybox:1.36}\n  steps:\n");
        for (int i = 0; i < 500; i++) {
            big.append("    - {name: s").append(i).append(i > 0 ? ", dependsOn: [s" + (i - 1) + "]" : "").append("}\n");
        }
        apply(big.toString());
        assertThatThrownBy(() -> apply("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: bad-name}
                spec:
                  steps: [{name: Not_A_Label, image: x}]
                """)).hasMessageContaining("spec.steps[0].name");
        assertThatThrownBy(() -> apply("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: bad-duration}
                spec:
                  steps: [{name: a, image: x, timeout: soon}]
                """)).hasMessageContaining("spec.steps[0].timeout");
        assertThatThrownBy(() -> client.resource("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: bad-runif, namespace: wf-it}
                spec:
                  steps: [{name: a, image: x, runIf: Sometimes}]
                """).create()).hasMessageContaining("spec.steps[0].runIf");
    }

    @Test
    void quickEditsNeverPublishOneRevisionsNumberWithAnothersContent() {
        for (int i = 1; i <= 6; i++) {
            WorkflowResource wf = Yaml.load(WorkflowResource.class, """
                    apiVersion: stepwise.dev/v1alpha1
                    kind: Workflow
                    metadata: {name: edited}
                    spec:
                      steps: [{name: a, image: "busybox:1.%d"}]
                    """.formatted(i));
            wf.getMetadata().setNamespace(NS);
            client.resource(wf).serverSideApply();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            WorkflowResource wf = get("edited");
            assertThat(wf.getStatus()).isNotNull();
            assertThat(wf.getStatus().observedGeneration).isEqualTo(wf.getMetadata().getGeneration());
            WorkflowRevision current = client.resources(WorkflowRevision.class).inNamespace(NS)
                    .withName(wf.getStatus().currentRevision).get();
            assertThat(current.getSpec().template.steps.get(0).image).isEqualTo("busybox:1.6");
        });
        for (WorkflowRevision r : client.resources(WorkflowRevision.class).inNamespace(NS).withLabel("stepwise.dev/workflow", "edited")
                .list().getItems()) {
            assertThat(r.getSpec().hash).as("revision %s holds the content its hash says", r.getMetadata().getName())
                    .isEqualTo(dev.stepwise.core.workflow.ContentHash.of(r.getSpec().template));
            assertThat(r.getMetadata().getName()).isEqualTo("edited-r" + r.getSpec().revision);
            assertThat(r.getMetadata().getFinalizers()).as("no finalizer: deleting never waits for the operator").isEmpty();
            assertThat(r.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getController()).isTrue());
        }
    }
}
