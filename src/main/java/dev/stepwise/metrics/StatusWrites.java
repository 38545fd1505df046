package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one place the reconcilers tell about a Run's status write: {@code StatusWrites.observe(run, next)}
 * in StatusWriter, after the API server took it, where {@code run} still carries the previous status. Listeners (metrics, the
 * activity log) are registered at startup; with none (tests without Quarkus) this does nothing.
 * A listener's failure is logged and never fails a reconcile.
 */
public final class StatusWrites {
    private static final Logger LOG = Logger.getLogger(StatusWrites.class);
    private static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();

    /** Told of every status write with what changed. */
    public interface Listener {
        void written(Run run, RunStatus previous, RunStatus next, List<RunTransitions.Transition> transitions);
    }

    private StatusWrites() {
    }

    public static void register(Listener listener) {
        LISTENERS.add(listener);
    }

    public static void unregister(Listener listener) {
        LISTENERS.remove(listener);
    }

    /** Called once a Run's status was written; {@code run.getStatus()} is the status it had before. */
    public static void observe(Run run, RunStatus next) {
        if (LISTENERS.isEmpty()) {
            return;
        }
        try {
            List<RunTransitions.Transition> transitions = RunTransitions.between(run.getStatus(), next, created(run));
            if (transitions.isEmpty()) {
                return;
            }
            for (Listener l : LISTENERS) {
                l.written(run, run.getStatus(), next, transitions);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "metrics of Run %s/%s not recorded", run.getMetadata().getNamespace(), run.getMetadata().getName());
        }
    }

    private static Instant created(Run run) {
        String ts = run.getMetadata().getCreationTimestamp();
        try {
            return ts == null ? null : Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
