package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real schedule firing on the local cluster: a {@code * * * * *} Workflow starts one Run per minute,
 * named from its slot, labelled with its workflow, trigger schedule; the Workflow's status shows the
 * next slot and counts its Runs; {@code active: false} stops it.
 */
class ScheduleE2E extends OperatorE2E {
    private static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    private WorkflowResource workflow() {
        return client.resources(WorkflowResource.class).inNamespace(ns).withName("tick").get();
    }

    private List<Run> runs() {
        return client.resources(Run.class).inNamespace(ns).withLabel("stepwise.dev/workflow", "tick").list().getItems();
    }

    @Test
    void aMinuteScheduleStartsOneRunPerSlotUntilDeactivated() {
        ns = E2eCluster.createNamespace(client, "e2e-schedule");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: tick}
                spec:
                  params: [{name: who, default: nobody}]
                  schedules: [{cron: "* * * * *", params: {who: cron}}]
                  steps:
                    - {name: say, image: busybox:1.36, command: [sh, -c, 'echo "tick for $PARAM_WHO"']}
                """, ns);
        await("next slot in status").atMost(Duration.ofSeconds(30)).until(() -> {
            WorkflowResource wf = workflow();
            return wf != null && wf.getStatus() != null && wf.getStatus().nextScheduleTime != null;
        });
        Instant next = Instant.parse(workflow().getStatus().nextScheduleTime);
        assertThat(next.getEpochSecond() % 60).isZero();

        await("the slot's Run").atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !runs().isEmpty());
        Run first = runs().get(0);
        assertThat(first.getMetadata().getName()).isEqualTo("tick-" + SLOT.format(next));
        assertThat(first.getMetadata().getAnnotations()).containsEntry("stepwise.dev/scheduled-time", next.toString());
        Run done = new RunWatch(client, ns, first.getMetadata().getName()).awaitFinished(operator);
        assertThat(done.getStatus().phase).as(done.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(done.getStatus().trigger).isEqualTo("schedule");
        assertThat(done.getStatus().params).containsEntry("who", "cron");
        assertThat(done.getStatus().steps.get(0).attempts.get(0).logs).contains("tick for cron");

        // one Run per slot, however often the operator looked; the Workflow counts them
        await("run counts").atMost(Duration.ofSeconds(30)).until(() -> {
            WorkflowStatus s = workflow().getStatus();
            return s.runCounts != null && s.runCounts.get("Succeeded") >= 1;
        });
        WorkflowStatus status = workflow().getStatus();
        assertThat(status.lastScheduleTime).isEqualTo(next.toString());
        assertThat(status.schedules).singleElement().satisfies(st -> assertThat(st.missed).isZero());
        assertThat(runs()).extracting(r -> r.getMetadata().getName()).doesNotHaveDuplicates()
                .allMatch(n -> n.matches("tick-\\d{12}"));

        // deactivated: no new slot starts, nextScheduleTime goes away
        client.resources(WorkflowResource.class).inNamespace(ns).withName("tick")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"active\":false}}");
        await("inactive").atMost(Duration.ofSeconds(30)).until(() -> workflow().getStatus().nextScheduleTime == null);
        int before = runs().size();
        Instant stopped = Instant.now();
        await().pollDelay(Duration.ofSeconds(65)).atMost(Duration.ofSeconds(70)).until(() -> true);
        List<Run> after = runs();
        assertThat(after.stream().filter(r -> Instant.parse(r.getMetadata().getCreationTimestamp()).isAfter(stopped.plusSeconds(2))))
                .as("Runs created after active: false").isEmpty();
        assertThat(after).hasSizeLessThanOrEqualTo(before + 1);

        // and a Run started by hand fails at once, saying why
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: tick-by-hand}
                spec: {workflowRef: {name: tick}}
                """, ns);
        Run refused = new RunWatch(client, ns, "tick-by-hand").awaitFinished(operator);
        assertThat(refused.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(refused.getStatus().message).isEqualTo("workflow 'tick' is inactive (spec.active: false)");
    }

    @Test
    void runsAreFoundByLabelAndByFieldSelector() {
        ns = E2eCluster.createNamespace(client, "e2e-find-runs");
        E2eCluster.apply(client, E2eCluster.sample("hello-world.yaml"), ns);
        Run run = new RunWatch(client, ns, "hello-world-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Succeeded);
        await("labelled").atMost(Duration.ofSeconds(20)).until(() -> !client.resources(Run.class).inNamespace(ns)
                .withLabel("stepwise.dev/workflow", "hello-world").list().getItems().isEmpty());
        assertThat(client.resources(Run.class).inNamespace(ns).withField("spec.workflowRef.name", "hello-world").list().getItems())
                .extracting(r -> r.getMetadata().getName()).containsExactly("hello-world-1");
        assertThat(client.resources(Run.class).inNamespace(ns).withField("status.phase", "Succeeded").list().getItems())
                .hasSize(1);
        assertThat(client.resources(Run.class).inNamespace(ns).withField("status.phase", "Failed").list().getItems())
                .isEmpty();
    }
}
