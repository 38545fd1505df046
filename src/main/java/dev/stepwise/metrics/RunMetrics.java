package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Run and step-attempt metrics, in the style of Argo Workflows and Tekton (names in README
 * "Metrics"). Fed by {@link StatusWrites} with the status a Run had and the one being written, so
 * every transition is counted once, by the replica that wrote it (the leader).
 * Labels are bounded: namespace, workflow (optional), phase, result and a fixed set of reasons;
 * never a Run, Job or pod name. The workflow label is the name of a Workflow that published the
 * revision the Run pinned ({@code status.workflow}), never the Run's own {@code workflowRef.name},
 * which any Run creator may fill with anything; a Run that pinned none is {@code other}, and so is
 * every Workflow past the first {@link #MAX_WORKFLOWS} (namespace, workflow) pairs seen.
 */
public class RunMetrics implements StatusWrites.Listener {
    static final String STARTED = "stepwise.runs.started";
    static final String FINISHED = "stepwise.runs.finished";
    static final String DURATION = "stepwise.run.duration";
    static final String ATTEMPTS = "stepwise.step.attempts";
    /** Buckets of the Run duration histogram: Runs last from seconds to a day. */
    static final Duration[] DURATION_BUCKETS = {
        Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofHours(24)};

    /** At most this many (namespace, workflow) label pairs; later ones are counted as {@link #OTHER}. */
    static final int MAX_WORKFLOWS = 1000;
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final boolean workflowLabel;
    private final Set<String> workflows = ConcurrentHashMap.newKeySet();

    public RunMetrics(MeterRegistry registry, boolean workflowLabel) {
        this.registry = registry;
        this.workflowLabel = workflowLabel;
    }

    @Override
    public void written(Run run, RunStatus previous, RunStatus next, List<RunTransitions.Transition> transitions) {
        String ns = run.getMetadata().getNamespace();
        String workflow = workflowLabel ? workflow(ns, next) : "";
        for (RunTransitions.Transition t : transitions) {
            switch (t.kind()) {
                case RunStarted -> Counter.builder(STARTED)
                        .description("Runs that started (got their first step going or their revision pinned)")
                        .tag("namespace", ns).tag("workflow", workflow)
                        .register(registry).increment();
                case RunFinished -> {
                    String phase = t.phase().name();
                    Counter.builder(FINISHED).description("Runs that finished, by final phase")
                            .tag("namespace", ns).tag("workflow", workflow).tag("phase", phase)
                            .register(registry).increment();
                    if (t.duration() != null) {
                        Timer.builder(DURATION).description("How long finished Runs took, from start to finish")
                                .tag("namespace", ns).tag("workflow", workflow).tag("phase", phase)
                                .serviceLevelObjectives(DURATION_BUCKETS)
                                .register(registry).record(t.duration());
                    }
                }
                case AttemptFinished -> Counter.builder(ATTEMPTS)
                        .description("Step attempts that ended, by result and reason")
                        .tag("namespace", ns).tag("workflow", workflow)
                        .tag("result", t.result().name()).tag("reason", ReasonLabel.of(t.reason()))
                        .register(registry).increment();
            }
        }
    }

    private String workflow(String ns, RunStatus next) {
        if (next == null || next.workflow == null || next.workflow.isEmpty()) {
            return OTHER;
        }
        String key = ns + "/" + next.workflow;
        if (workflows.contains(key) || (workflows.size() < MAX_WORKFLOWS && workflows.add(key))) {
            return next.workflow;
        }
        return OTHER;
    }
}
