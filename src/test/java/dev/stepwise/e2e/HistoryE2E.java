package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * runHistory on the local cluster: the newest Succeeded Run is kept, older ones are deleted with
 * their Jobs, a Run labelled stepwise.dev/keep or managed by a GitOps tool stays, and
 * ttlAfterFinished deletes what finished long enough ago.
 */
class HistoryE2E extends OperatorE2E {

    private List<String> runs() {
        return client.resources(Run.class).inNamespace(ns).list().getItems().stream()
                .map(r -> r.getMetadata().getName()).sorted().toList();
    }

    private void runOf(String name, String labels) {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: %s, labels: {%s}}
                spec: {workflowRef: {name: keep-one}}
                """.formatted(name, labels), ns);
        Run done = new RunWatch(client, ns, name).awaitFinished(operator);
        assertThat(done.getStatus().phase).isEqualTo(RunPhase.Succeeded);
    }

    @Test
    void oldRunsGoWithTheirJobsExceptTheOnesAToolOrAUserKeeps() {
        ns = E2eCluster.createNamespace(client, "e2e-history");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: keep-one}
                spec:
                  runHistory: {successfulRunsLimit: 1}
                  steps:
                    - {name: s, image: busybox:1.36, command: [echo, hi]}
                """, ns);
        runOf("h-kept", "stepwise.dev/keep: \"true\"");
        runOf("h-flux", "kustomize.toolkit.fluxcd.io/name: runs");
        runOf("h-1", "");
        runOf("h-2", "");
        await("h-1 pruned").atMost(Duration.ofSeconds(30)).until(() -> !runs().contains("h-1"));
        assertThat(runs()).containsExactly("h-2", "h-flux", "h-kept");
        await("h-1's Job collected").atMost(Duration.ofSeconds(60))
                .until(() -> client.batch().v1().jobs().inNamespace(ns).withName("h-1-s-1").get() == null);

        // a TTL deletes the newest too once it is old enough
        client.resources(dev.stepwise.api.v1alpha1.WorkflowResource.class).inNamespace(ns).withName("keep-one")
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"runHistory\":{\"successfulRunsLimit\":1,\"ttlAfterFinished\":\"5s\"}}}");
        await("h-2 expired").atMost(Duration.ofSeconds(40)).until(() -> !runs().contains("h-2"));
        assertThat(runs()).containsExactly("h-flux", "h-kept");
    }
}
