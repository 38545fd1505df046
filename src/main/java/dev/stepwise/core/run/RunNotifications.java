package dev.stepwise.core.run;

import dev.stepwise.core.start.Admission;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.status.StatusCopy;
import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.Notification;
import dev.stepwise.api.v1alpha1.NotificationStatus;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifications part of a Run's plan: which of its pinned revision's notifications apply
 * (Succeeded, Failed, Cancelled when it ended so; RuntimeExceeded once it runs past the limit), what
 * the sends since the last look got, and what to send now. Each one is recorded in
 * status.notifications, so it is sent at least once and, across restarts, at most a few times;
 * failures are retried with backoff (10 s doubling to 10 min) and given up after {@value #MAX_ATTEMPTS}
 * attempts. Every attempt's answer is an Event on the Run.
 */
final class RunNotifications {
    static final int MAX_ATTEMPTS = 8;
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);

    private RunNotifications() {
    }

    static RunPlan apply(RunPlan plan, RunFacts facts) {
        RunStatus s = plan.status();
        if (s == null || s.revision == null) {
            return plan; // ended before it started: no revision, no notifications
        }
        // a Run that had ended before this look, with every notification sent or given up, has nothing more to do
        boolean settled = s.notifications != null && s.notifications.stream().allMatch(RunNotifications::settled);
        if (Admission.finished(facts.run()) && settled && facts.notified().isEmpty()) {
            return plan;
        }
        List<Notification> specs = facts.revisions().apply(s.revision)
                .map(r -> r.getSpec().template.notifications).orElse(null);
        if ((specs == null || specs.isEmpty()) && s.notifications == null) {
            return plan;
        }
        Instant now = facts.now();
        RunStatus next = StatusCopy.of(s);
        List<NotificationStatus> records = next.notifications == null ? new ArrayList<>() : new ArrayList<>(next.notifications);
        List<RunEvent> events = new ArrayList<>(plan.events());
        for (NotificationResult r : facts.notified()) {
            record(records, r, events);
        }
        Instant wake = null;
        for (int i = 0; specs != null && i < specs.size(); i++) {
            Notification n = specs.get(i);
            for (Notification.On on : n.events) {
                Instant when = appliesFrom(on, n, next, now);
                if (when == null) {
                    continue;
                }
                if (when.isAfter(now)) {
                    wake = earlier(wake, when);
                } else if (find(records, i, on.name()) == null) {
                    records.add(new NotificationStatus(i, on.name()));
                }
            }
        }
        List<NotificationToSend> send = new ArrayList<>();
        for (NotificationStatus rec : records) {
            if (settled(rec) || rec.index >= (specs == null ? 0 : specs.size())) {
                continue;
            }
            Instant at = Times.parse(rec.nextAttemptAt);
            if (at != null && now.isBefore(at)) {
                wake = earlier(wake, at);
                continue;
            }
            send.add(new NotificationToSend(rec.index, rec.event, specs.get(rec.index).webhook.urlSecretRef,
                    body(facts, next, rec.event)));
            // looked at again if no answer comes (an answer wakes the Run sooner)
            wake = earlier(wake, now.plus(MAX_RETRY));
        }
        next.notifications = records.isEmpty() ? null : records;
        boolean changed = !StatusCopy.same(s, next);
        Duration requeue = plan.requeueAfter();
        if (wake != null) {
            Duration w = Duration.between(now, wake);
            if (w.isNegative()) {
                w = Duration.ZERO;
            }
            requeue = requeue == null || w.compareTo(requeue) < 0 ? w : requeue;
        }
        return plan.withNotifications(changed ? next : s, changed, events, send, requeue);
    }

    /** Sent, or given up. */
    private static boolean settled(NotificationStatus rec) {
        return Boolean.TRUE.equals(rec.delivered) || (rec.attempts != null && rec.attempts >= MAX_ATTEMPTS);
    }

    private static void record(List<NotificationStatus> records, NotificationResult r, List<RunEvent> events) {
        NotificationStatus rec = find(records, r.index(), r.event());
        if (rec == null || settled(rec)) {
            return;
        }
        rec.attempts = (rec.attempts == null ? 0 : rec.attempts) + 1;
        rec.lastResult = StatusBudget.truncate(r.result(), 256);
        rec.lastAttemptAt = Times.format(r.at());
        String what = "notification " + r.index() + " (" + r.event() + ")";
        if (r.ok()) {
            rec.delivered = true;
            rec.nextAttemptAt = null;
            events.add(new RunEvent(RunEvent.Type.Normal, "NotificationSent", what + " sent: " + r.result()));
        } else if (rec.attempts >= MAX_ATTEMPTS) {
            rec.nextAttemptAt = null;
            events.add(new RunEvent(RunEvent.Type.Warning, "NotificationFailed", what + " given up after " + rec.attempts
                    + " attempts: " + r.result()));
        } else {
            Instant again = r.at().plus(backoff(rec.attempts));
            rec.nextAttemptAt = Times.format(again);
            events.add(new RunEvent(RunEvent.Type.Warning, "NotificationFailed", what + " attempt " + rec.attempts + " failed: "
                    + r.result() + " (trying again at " + rec.nextAttemptAt + ")"));
        }
    }

    static Duration backoff(int attempts) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 12));
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    /** When the event applies to the Run (now or later), or null when it does not. */
    private static Instant appliesFrom(Notification.On on, Notification n, RunStatus s, Instant now) {
        return switch (on) {
            case Succeeded -> s.phase == RunPhase.Succeeded ? now : null;
            case Failed -> s.phase == RunPhase.Failed ? now : null;
            case Cancelled -> s.phase == RunPhase.Cancelled ? now : null;
            case RuntimeExceeded -> {
                Duration limit = GoDuration.parseOrNull(n.runtimeExceeded);
                Instant started = Times.parse(s.startedAt);
                if (limit == null || started == null) {
                    yield null;
                }
                Instant at = started.plus(limit);
                boolean finished = s.phase != null && s.phase.isFinished();
                Instant end = finished ? Times.parse(s.finishedAt) : null;
                // a Run that ended within its limit never exceeded it
                yield finished && (end == null || !end.isAfter(at)) ? null : at;
            }
        };
    }

    private static NotificationStatus find(List<NotificationStatus> records, int index, String event) {
        for (NotificationStatus r : records) {
            if (r.index != null && r.index == index && event.equals(r.event)) {
                return r;
            }
        }
        return null;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** What the receiver gets: the Run as `kubectl get run` would summarise it. */
    static Map<String, Object> body(RunFacts facts, RunStatus s, String event) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("event", event);
        b.put("workflow", s.workflow);
        b.put("run", facts.runName());
        b.put("namespace", facts.namespace());
        b.put("phase", s.phase == null ? null : s.phase.name());
        b.put("message", s.message);
        b.put("failedStep", s.steps.stream().filter(st -> st.phase == StepPhase.Failed).map((StepStatus st) -> st.name)
                .findFirst().orElse(null));
        b.put("revision", s.revision);
        b.put("trigger", s.trigger);
        b.put("progress", s.progress);
        b.put("startedAt", s.startedAt);
        b.put("finishedAt", s.finishedAt);
        b.put("duration", s.duration);
        return b;
    }
}
