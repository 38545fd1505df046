package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deep ladder (stages of two steps, each depending on both of the stage before: 2^30 paths to the
 * root) runs to the end on KWOK nodes. Before planning became linear, 26 stages took 12 s per plan and
 * such a Run never finished.
 */
class LadderE2E extends OperatorE2E {
    private static final int STAGES = 30;

    static String ladder(int stages) {
        StringBuilder y = new StringBuilder("""
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: e2e-kwok}
                spec:
                  nodeSelector: {type: kwok}
                  tolerations: [{key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule}]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: ladder}
                spec:
                  defaults: {image: busybox:1.36, instanceType: e2e-kwok}
                  steps:
                """);
        for (int i = 0; i < stages; i++) {
            for (String side : new String[]{"a", "b"}) {
                y.append("    - name: s").append(i).append('-').append(side).append('\n');
                if (i > 0) {
                    y.append("      dependsOn: [s").append(i - 1).append("-a, s").append(i - 1).append("-b]\n");
                }
            }
        }
        y.append("""
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: ladder-1}
                spec: {workflowRef: {name: ladder}}
                """);
        return y.toString();
    }

    @Test
    void aDeepLadderOfDiamondsRunsToTheEnd() {
        ns = E2eCluster.createNamespace(client, "e2e-ladder");
        Instant start = Instant.now();
        E2eCluster.applyYaml(client, ladder(STAGES), ns);
        RunWatch watch = new RunWatch(client, ns, "ladder-1");
        await("the ladder finishes").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Run r = watch.get();
            return r != null && r.getStatus() != null && r.getStatus().phase != null && r.getStatus().phase.isFinished();
        });
        Run run = watch.get();
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().progress).isEqualTo((2 * STAGES) + "/" + (2 * STAGES));
        System.out.printf("ladder of %d stages (%d steps) on KWOK nodes: %d s%n", STAGES, 2 * STAGES,
                Duration.between(start, Instant.now()).toSeconds());
        RunWatch.assertConditionsFollowPhase(run);
    }
}
