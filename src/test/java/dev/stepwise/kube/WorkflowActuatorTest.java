package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.core.Fixtures;
import dev.stepwise.core.workflow.ScheduleDecision;
import dev.stepwise.core.workflow.WorkflowLifecycle;
import dev.stepwise.testing.MockApi;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the API server refuses while a Workflow's decision is acted on comes back as a result, never
 * as an exception that would skip the Workflow's status write (a quota 403 used to do just that).
 */
class WorkflowActuatorTest {
    private static final String RUNS = "/apis/stepwise.dev/v1alpha1/namespaces/data/runs";
    private final MockApi api = new MockApi();

    @AfterEach
    void close() {
        api.close();
    }

    private static WorkflowResource workflow() {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid("wf-uid").withGeneration(1L).build());
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        wf.setSpec(spec);
        return wf;
    }

    private static WorkflowLifecycle.Plan plan(List<ScheduleDecision.SlotRun> create, List<WorkflowLifecycle.RunRef> delete) {
        return new WorkflowLifecycle.Plan(new dev.stepwise.api.v1alpha1.WorkflowStatus(), null, create, delete, List.of(), List.of(), null);
    }

    @Test
    void aScheduledRunTheQuotaRefusesIsReportedNotThrown() {
        api.server.expect().post().withPath(RUNS).andReturn(403,
                MockApi.status(403, "Forbidden", "exceeded quota: runs, requested: count/runs.stepwise.dev=1")).once();
        var slot = new ScheduleDecision.SlotRun("etl-202601011100", 0, Instant.parse("2026-01-01T11:00:00Z"), Map.of());

        WorkflowLifecycle.Refusals r = WorkflowActuator.act(api.client, workflow(), plan(List.of(slot), List.of()), Fixtures.T0, rev -> { });

        assertThat(r.slots()).containsOnlyKeys("etl-202601011100");
        assertThat(r.slots().get("etl-202601011100")).startsWith("Forbidden: ").contains("exceeded quota: runs");
        assertThat(r.publish()).isNull();
    }

    @Test
    void aSlotWhoseRunExistsAlreadyIsNoRefusal() {
        api.server.expect().post().withPath(RUNS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        var slot = new ScheduleDecision.SlotRun("etl-202601011100", 0, Instant.parse("2026-01-01T11:00:00Z"), Map.of());
        assertThat(WorkflowActuator.act(api.client, workflow(), plan(List.of(slot), List.of()), Fixtures.T0, rev -> { }).isEmpty()).isTrue();
    }

    /** Defect: history deleted by name from the cache, so a Run re-created under the name, or kept a moment ago, could go. */
    @Test
    void aHistoryDeleteCarriesTheJudgedResourceVersionAndAChangedRunIsLeftAlone() throws Exception {
        api.server.expect().delete().withPath(RUNS + "/old").andReturn(409, MockApi.status(409, "Conflict",
                "Precondition failed: ResourceVersion in precondition: 41, ResourceVersion in object meta: 42")).once();
        api.server.expect().delete().withPath(RUNS + "/gone").andReturn(403, MockApi.status(403, "Forbidden", "denied by policy")).once();

        WorkflowLifecycle.Refusals r = WorkflowActuator.act(api.client, workflow(), plan(List.of(),
                List.of(new WorkflowLifecycle.RunRef("old", "uid-old", "41"), new WorkflowLifecycle.RunRef("gone", "uid-gone", "7"))),
                Fixtures.T0, rev -> { });

        var first = api.server.takeRequest();
        assertThat(first.getMethod()).isEqualTo("DELETE");
        assertThat(first.getBody().readUtf8()).contains("\"preconditions\":{\"resourceVersion\":\"41\"}");
        assertThat(r.deletes()).as("the changed Run is no refusal: it is judged again").containsOnlyKeys("gone");
        assertThat(r.deletes().get("gone")).isEqualTo("Forbidden: denied by policy");
    }
}
