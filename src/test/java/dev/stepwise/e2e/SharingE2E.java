package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One tenant's hostile manifests against the shared operator (SPEC "Sharing a cluster"), applied
 * all at once beside a valid Run: each is answered within seconds (refused at apply, Ready=False,
 * or its Run Failed before any Job, naming the problem; an InstanceType kept for another team's
 * namespaces fails the step), the valid Run succeeds, its pod mounts no ServiceAccount token, and
 * the operator keeps running.
 */
class SharingE2E extends OperatorE2E {
    private static final Duration ANSWERED = Duration.ofSeconds(30);

    @Test
    void hostileManifestsAreAnsweredWhileAValidRunSucceedsAndTheOperatorKeepsRunning() {
        ns = E2eCluster.createNamespace(client, "e2e-sharing");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: e2e-other-team-only}
                spec:
                  namespaceSelector: {matchLabels: {team: other}}
                """, null);
        try {
            hostileManifests();
        } finally {
            client.resources(dev.stepwise.api.v1alpha1.InstanceType.class).withName("e2e-other-team-only").delete();
        }
    }

    private void hostileManifests() {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: borrowed}
                spec:
                  steps:
                    - {name: a, image: busybox:1.36, instanceType: e2e-other-team-only}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: borrowed-1}
                spec: {workflowRef: {name: borrowed}}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: regex-bomb}
                spec:
                  params: [{name: x, default: a}]
                  steps:
                    - {name: a, image: busybox:1.36, when: "params.x.matches('((a{1000}){1000}){1000}')"}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: strict}
                spec:
                  params: [{name: table, pattern: '^[a-z_]+$', maxLength: 32}]
                  steps:
                    - {name: load, image: busybox:1.36, env: [{name: MODE, value: full}], command: [sh, -c, 'echo {{params.table}}']}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: strict-injection}
                spec: {workflowRef: {name: strict}, params: {table: "a;rm -rf /"}}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: strict-preload}
                spec: {workflowRef: {name: strict}, params: {table: orders}, stepParams: {load: {LD_PRELOAD: /tmp/evil.so}}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: metadata-url}
                stringData: {url: "http://169.254.169.254/latest/meta-data/"}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: fine}
                spec:
                  notifications:
                    - events: [Succeeded]
                      webhook: {urlSecretRef: {name: metadata-url, key: url}}
                  steps:
                    - {name: hello, image: busybox:1.36, command: [sh, -c, 'test ! -e /var/run/secrets/kubernetes.io/serviceaccount/token && echo no token']}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: fine-1}
                spec: {workflowRef: {name: fine}}
                """, ns);
        // the template bomb: '{{' and 200 KiB of spaces; refused at apply by the CRD's bounds, or judged at once
        String bomb = "{{" + " ".repeat(200 * 1024);
        boolean refusedAtApply = false;
        try {
            E2eCluster.applyYaml(client, """
                    apiVersion: stepwise.dev/v1alpha1
                    kind: Workflow
                    metadata: {name: template-bomb}
                    spec:
                      steps:
                        - {name: a, image: busybox:1.36, args: ["BOMB"]}
                    """.replace("BOMB", bomb), ns);
        } catch (KubernetesClientException e) {
            refusedAtApply = true;
            assertThat(e.getCode()).isEqualTo(422);
        }

        await("the regex bomb is refused, naming matches()").atMost(ANSWERED).untilAsserted(() ->
                assertThat(ready("regex-bomb")).isNotNull().satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getMessage()).contains("matches");
                }));
        if (!refusedAtApply) {
            await("the template bomb is judged").atMost(ANSWERED).until(() -> ready("template-bomb") != null);
        }

        Run injection = awaitFailed("strict-injection");
        assertThat(injection.getStatus().message).contains("table").contains("pattern");
        Run preload = awaitFailed("strict-preload");
        assertThat(preload.getStatus().message).contains("LD_PRELOAD");
        assertThat(jobsOf("strict-injection")).as("no Job for a Run that breaks its params").isEmpty();
        assertThat(jobsOf("strict-preload")).as("no Job for an undeclared stepParam").isEmpty();
        Run borrowed = awaitFailed("borrowed-1");
        assertThat(borrowed.getStatus().message).contains("e2e-other-team-only").contains(ns);
        assertThat(jobsOf("borrowed-1")).as("no Job with another team's InstanceType").isEmpty();

        Run fine = new RunWatch(client, ns, "fine-1").awaitFinished(operator);
        assertThat(fine.getStatus().phase).as(fine.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(fine.getStatus().steps.get(0).attempts.get(0).logs).contains("no token");
        assertThat(jobsOf("fine-1")).allSatisfy(j ->
                assertThat(j.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse());
        await("the notification to the metadata address is refused, and says so").atMost(ANSWERED).untilAsserted(() -> {
            Run r = client.resources(Run.class).inNamespace(ns).withName("fine-1").get();
            assertThat(r.getStatus().notifications).isNotEmpty();
            assertThat(r.getStatus().notifications.get(0).lastResult).startsWith("refused");
        });
        assertThat(operator.isAlive()).as("the operator survived every one of them").isTrue();
    }

    private Condition ready(String workflow) {
        WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(ns).withName(workflow).get();
        if (wf == null || wf.getStatus() == null || wf.getStatus().conditions == null) {
            return null;
        }
        return wf.getStatus().conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }

    private Run awaitFailed(String run) {
        return await(run + " fails").atMost(ANSWERED).until(() -> client.resources(Run.class).inNamespace(ns).withName(run).get(),
                r -> r != null && r.getStatus() != null && r.getStatus().phase == RunPhase.Failed);
    }

    private List<Job> jobsOf(String run) {
        return client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", run).list().getItems();
    }
}
