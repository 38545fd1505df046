package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.List;

/**
 * One log line per Run start, Run end and finished attempt, with {@code namespace}, {@code run},
 * {@code workflow}, {@code step} and {@code attempt} as MDC fields: with JSON logs on
 * (QUARKUS_LOG_CONSOLE_JSON_ENABLED=true) they are fields of the log record, so a log pipeline can
 * filter one Run's or one step's story without parsing messages.
 */
public class RunActivityLog implements StatusWrites.Listener {
    private static final Logger LOG = Logger.getLogger("dev.stepwise.activity");
    static final List<String> FIELDS = List.of("namespace", "run", "workflow", "step", "attempt");

    @Override
    public void written(Run run, RunStatus previous, RunStatus next, List<RunTransitions.Transition> transitions) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        try {
            MDC.put("namespace", run.getMetadata().getNamespace());
            MDC.put("run", run.getMetadata().getName());
            if (next.workflow != null) {
                MDC.put("workflow", next.workflow);
            }
            for (RunTransitions.Transition t : transitions) {
                switch (t.kind()) {
                    case RunStarted -> LOG.infof("run started");
                    case RunFinished -> LOG.infof("run finished: %s%s", t.phase(),
                            next.message == null || next.message.isBlank() ? "" : " (" + next.message + ")");
                    case AttemptFinished -> {
                        MDC.put("step", t.step());
                        MDC.put("attempt", Integer.toString(t.attempt()));
                        try {
                            LOG.infof("step %s attempt %d finished: %s (%s)", t.step(), t.attempt(), t.result(),
                                    t.reason() == null ? "no reason" : t.reason());
                        } finally {
                            MDC.remove("step");
                            MDC.remove("attempt");
                        }
                    }
                }
            }
        } finally {
            MDC.remove("namespace");
            MDC.remove("run");
            MDC.remove("workflow");
        }
    }
}
