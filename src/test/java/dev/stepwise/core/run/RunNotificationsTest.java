package dev.stepwise.core.run;

import dev.stepwise.api.v1alpha1.Notification;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.stepwise.core.Fixtures.T0;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

/** Notifications: what applies, what is sent, retried and recorded. */
class RunNotificationsTest {

    private static Notification on(String runtime, Notification.On... events) {
        Notification n = new Notification();
        n.events = new ArrayList<>(List.of(events));
        n.runtimeExceeded = runtime;
        n.webhook = new Notification.Target();
        n.webhook.urlSecretRef = new SecretKeySelector("url", "slack", false);
        return n;
    }

    private static RunSim sim(Notification... notifications) {
        WorkflowSpec wf = spec(step("a"));
        wf.notifications = List.of(notifications);
        return new RunSim(wf);
    }

    @Test
    void aFinishedRunIsToldOnceWithItsStoryAndTheDeliveryIsRecorded() {
        RunSim sim = sim(on(null, Notification.On.Succeeded, Notification.On.Failed));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 2, "boom");
        RunPlan done = sim.plan();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        assertThat(done.notifications()).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("Failed");
            assertThat(n.urlSecretRef().getName()).isEqualTo("slack");
            assertThat(n.body()).containsEntry("workflow", "etl").containsEntry("run", RunSim.RUN)
                    .containsEntry("namespace", "data").containsEntry("phase", "Failed").containsEntry("failedStep", "a")
                    .containsEntry("event", "Failed").containsKey("message").containsKey("duration");
        });
        assertThat(sim.status.notifications).singleElement().satisfies(r -> {
            assertThat(r.attempts).isZero();
            assertThat(r.delivered).isFalse();
        });

        sim.notified.add(new NotificationResult(0, "Failed", true, "HTTP 200", T0.plusSeconds(6)));
        RunPlan told = sim.at(Duration.ofSeconds(6)).plan();
        assertThat(told.notifications()).isEmpty();
        assertThat(told.events()).extracting(RunEvent::reason).containsExactly("NotificationSent");
        assertThat(sim.status.notifications.get(0).delivered).isTrue();
        assertThat(sim.status.notifications.get(0).lastResult).isEqualTo("HTTP 200");
        // settled: later looks send nothing and change nothing
        RunPlan later = sim.at(Duration.ofMinutes(5)).plan();
        assertThat(later.notifications()).isEmpty();
        assertThat(later.statusChanged()).isFalse();
    }

    @Test
    void failedSendsAreRetriedWithBackoffAndGivenUpAfterEightAttempts() {
        RunSim sim = sim(on(null, Notification.On.Succeeded));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, null, null);
        assertThat(sim.plan().notifications()).hasSize(1);
        Duration t = Duration.ofSeconds(5);
        // what a user waits between attempts: 10 s doubling, at most 10 min
        List<Duration> waits = List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(80), Duration.ofSeconds(160), Duration.ofSeconds(320), Duration.ofMinutes(10));
        for (int attempt = 1; attempt <= 8; attempt++) {
            sim.notified.add(new NotificationResult(0, "Succeeded", false, "HTTP 503", T0.plus(t)));
            RunPlan p = sim.at(t).plan();
            assertThat(p.notifications()).as("attempt %d answered: nothing sent before the backoff", attempt).isEmpty();
            assertThat(p.events()).extracting(RunEvent::reason).containsExactly("NotificationFailed");
            assertThat(sim.status.notifications.get(0).attempts).isEqualTo(attempt);
            if (attempt == 8) {
                assertThat(sim.status.notifications.get(0).nextAttemptAt).isNull();
                assertThat(p.events().get(0).message()).contains("given up after 8 attempts: HTTP 503");
                break;
            }
            Duration backoff = waits.get(attempt - 1);
            assertThat(p.requeueAfter()).isEqualTo(backoff);
            t = t.plus(backoff);
            assertThat(sim.at(t).plan().notifications()).as("sent again after %s", backoff).hasSize(1);
        }
        assertThat(sim.at(t.plus(Duration.ofHours(1))).plan().notifications()).isEmpty();
        assertThat(t).as("given up 5 s + 10 + 20 + 40 + 80 + 160 + 320 s + 10 min after the first send").isEqualTo(Duration.ofSeconds(1235));
    }

    @Test
    void runtimeExceededIsSentOnceWhileTheRunStillRuns() {
        RunSim sim = sim(on("1h", Notification.On.RuntimeExceeded, Notification.On.Succeeded));
        sim.plan();
        sim.running("a", 1);
        RunPlan before = sim.at(Duration.ofMinutes(10)).plan();
        assertThat(before.notifications()).isEmpty();
        assertThat(before.requeueAfter()).isEqualTo(Duration.ofMinutes(50));
        RunPlan over = sim.at(Duration.ofHours(1)).plan();
        assertThat(over.notifications()).extracting(NotificationToSend::event).containsExactly("RuntimeExceeded");
        sim.notified.add(new NotificationResult(0, "RuntimeExceeded", true, "HTTP 204", T0.plus(Duration.ofHours(1))));
        assertThat(sim.at(Duration.ofMinutes(61)).plan().notifications()).isEmpty();
        sim.at(Duration.ofMinutes(70)).succeeded("a", 1, null, null);
        assertThat(sim.plan().notifications()).extracting(NotificationToSend::event).containsExactly("Succeeded");
    }

    @Test
    void aRunThatEndsWithinItsLimitNeverExceededItAndNoNotificationsMeansNothingChanges() {
        RunSim sim = sim(on("1h", Notification.On.RuntimeExceeded));
        sim.plan();
        sim.at(Duration.ofMinutes(5)).succeeded("a", 1, null, null);
        RunPlan done = sim.plan();
        assertThat(done.notifications()).isEmpty();
        assertThat(sim.status.notifications).isNull();

        RunSim quiet = new RunSim(spec(step("a")));
        quiet.plan();
        quiet.at(Duration.ofSeconds(5)).succeeded("a", 1, null, null);
        assertThat(quiet.plan().notifications()).isEmpty();
        assertThat(quiet.status.notifications).isNull();
    }
}
