package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Invalid Workflows as a user meets them: what the schema can reject fails at apply; the rest is
 * reported by the operator on the Workflow (Ready=False, reason Invalid) and fails its Runs.
 */
class InvalidWorkflowE2E extends OperatorE2E {
    @BeforeEach
    void createNamespace() {
        ns = E2eCluster.createNamespace(client, "e2e-invalid");
    }

    @Test
    void aCycleAndAnUnknownInstanceTypeMakeTheWorkflowInvalidAndFailItsRun() {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata:
                  name: broken
                spec:
                  defaults:
                    image: busybox:1.36
                  steps:
                    - name: first
                      dependsOn: [second]
                      command: ["true"]
                    - name: second
                      dependsOn: [first]
                      command: ["true"]
                    - name: third
                      instanceType: huge
                      command: ["true"]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata:
                  name: broken-1
                spec:
                  workflowRef: {name: broken}
                """, ns);

        Condition[] ready = new Condition[1];
        await("Workflow broken Ready=False").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(ns).withName("broken").get();
            ready[0] = wf == null || wf.getStatus() == null ? null : condition(wf, "Ready").orElse(null);
            return ready[0] != null && "False".equals(ready[0].getStatus());
        });
        WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(ns).withName("broken").get();
        assertThat(ready[0].getReason()).isEqualTo("Invalid");
        assertThat(ready[0].getMessage()).as("names every problem")
                .contains("cycle").contains("first").contains("second")
                .contains("unknown InstanceType 'huge'");
        assertThat(condition(wf, "Stalled")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Invalid");
        });
        assertThat(wf.getStatus().observedGeneration).isEqualTo(wf.getMetadata().getGeneration());
        assertThat(wf.getStatus().currentRevision).as("no revision published").isNull();

        Run run = new RunWatch(client, ns, "broken-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(run.getStatus().message).contains("invalid").contains("cycle").contains("unknown InstanceType 'huge'");
        RunWatch.assertConditionsFollowPhase(run);
        assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).as("no Jobs").isEmpty();
    }

    @Test
    void aRunWithoutARequiredParamFails() {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata:
                  name: needs-table
                spec:
                  params:
                    - {name: table, required: true}
                  steps:
                    - name: load
                      image: busybox:1.36
                      command: ["echo", "{{params.table}}"]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata:
                  name: needs-table-1
                spec:
                  workflowRef: {name: needs-table}
                """, ns);
        Run run = new RunWatch(client, ns, "needs-table-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(run.getStatus().message).contains("table");
        RunWatch.assertConditionsFollowPhase(run);
    }

    @Test
    void duplicateStepNamesMakeTheWorkflowInvalidNamingTheDuplicate() {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata:
                  name: twins
                spec:
                  steps:
                    - {name: same, image: busybox:1.36, command: ["true"]}
                    - {name: same, image: busybox:1.36, command: ["true"]}
                """, ns);
        Condition[] ready = new Condition[1];
        await("Workflow twins Ready=False").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(ns).withName("twins").get();
            ready[0] = wf == null || wf.getStatus() == null ? null : condition(wf, "Ready").orElse(null);
            return ready[0] != null && "False".equals(ready[0].getStatus());
        });
        assertThat(ready[0].getReason()).isEqualTo("Invalid");
        assertThat(ready[0].getMessage()).contains("duplicate step name 'same'");
    }

    @Test
    void aBadStepNameIsRejectedAtApply() {
        KubernetesClientException e = rejected("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata:
                  name: shouting
                spec:
                  steps:
                    - {name: Not_A_Label, image: busybox:1.36, command: ["true"]}
                """);
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getMessage()).contains("spec.steps[0].name").contains("Not_A_Label");
    }

    @Test
    void aBadDurationIsRejectedAtApply() {
        KubernetesClientException e = rejected("""
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata:
                  name: slow
                spec:
                  steps:
                    - {name: wait, image: busybox:1.36, timeout: "ten minutes", command: ["true"]}
                """);
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getMessage()).contains("spec.steps[0].timeout");
    }

    private KubernetesClientException rejected(String yaml) {
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                () -> E2eCluster.applyYaml(client, yaml, ns));
        assertThat(e).as("the API server refuses the Workflow at apply").isNotNull();
        assertThat(client.resources(WorkflowResource.class).inNamespace(ns).list().getItems()).isEmpty();
        return e;
    }

    private static Optional<Condition> condition(WorkflowResource wf, String type) {
        return wf.getStatus().conditions == null ? Optional.empty()
                : wf.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
