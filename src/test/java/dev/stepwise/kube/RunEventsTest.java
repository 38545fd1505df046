package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.Fixtures;
import dev.stepwise.core.run.RunEvent;
import dev.stepwise.testing.MockApi;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Events tell the story once, and count what goes on happening. */
class RunEventsTest {
    private static final String EVENTS = "/api/v1/namespaces/data/events";
    private final MockApi api = new MockApi();
    private final Run run = Fixtures.run("etl-x7k2p", 1, Map.of());

    @AfterEach
    void close() {
        api.close();
    }

    private List<String> requests() throws InterruptedException {
        List<String> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = api.server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            out.add(r.getMethod() + " " + r.getPath().replaceFirst("\\?.*", "") + " " + r.getBody().readUtf8());
        }
        return out;
    }

    /** Defect: a repeat was a 409 and dropped, so an error lasting an hour showed once. */
    @Test
    void aRepeatOfAnErrorCountsOnTheOneEvent() throws Exception {
        api.server.expect().post().withPath(EVENTS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        Event existing = new EventBuilder().withNewMetadata().withName("etl-x7k2p.x").withNamespace("data").withResourceVersion("41")
                .endMetadata().withCount(3).build();
        RunEvent error = new RunEvent(RunEvent.Type.Warning, "ReconcileError", "InternalError: boom (retrying)");
        String named = EVENTS + "/etl-x7k2p." + dev.stepwise.core.Names.sha256(run.getMetadata().getUid() + error.reason() + error.message())
                .substring(0, 16);
        api.server.expect().get().withPath(named).andReturn(200, existing).once();
        api.server.expect().patch().withPath(named).andReturn(200, existing).once();

        new RunEvents(api.client).recordRepeating(run, error, Instant.parse("2026-01-01T11:00:00Z"));

        List<String> sent = requests();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).startsWith("POST " + EVENTS + " ");
        assertThat(sent.get(1)).startsWith("GET " + EVENTS + "/etl-x7k2p.");
        assertThat(sent.get(2)).startsWith("PATCH " + EVENTS + "/etl-x7k2p.")
                .contains("\"count\":4").contains("\"lastTimestamp\":\"2026-01-01T11:00:00Z\"").contains("\"resourceVersion\":\"41\"");
    }

    @Test
    void aStoryEventRecordedAgainChangesNothing() throws Exception {
        api.server.expect().post().withPath(EVENTS).andReturn(409, MockApi.status(409, "AlreadyExists", "exists")).once();
        new RunEvents(api.client).record(run, new RunEvent(RunEvent.Type.Normal, "Succeeded", "all 3 steps succeeded"),
                Instant.parse("2026-01-01T11:00:00Z"));
        assertThat(requests()).singleElement().satisfies(r -> assertThat(r).startsWith("POST "));
    }
}
