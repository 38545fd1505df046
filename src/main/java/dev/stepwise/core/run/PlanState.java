package dev.stepwise.core.run;

import dev.stepwise.core.expr.LazyMaps;
import dev.stepwise.core.expr.Templates;
import dev.stepwise.core.expr.WhenExpressions;
import dev.stepwise.core.graph.Dag;
import dev.stepwise.core.run.steps.EffectiveStep;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.run.steps.CreateResult;
import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.run.steps.StepContext;
import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import java.time.Duration;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.RunSpec;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.api.v1alpha1.WorkflowSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The working state of one plan: the status being decided, what to do, and what the step drivers
 * share (outputs of finished steps, the output budget, templates). Built once per plan; every
 * lookup in it is constant time, so planning stays linear in steps plus edges.
 */
final class PlanState implements StepContext {
    final RunFacts facts;
    final String workflowName;
    final String revisionName;
    final WorkflowSpec template;
    final Map<String, String> params;
    final Dag dag;
    final RunStatus status;
    final Map<String, StepStatus> steps = new LinkedHashMap<>();
    final List<JobToCreate> create = new ArrayList<>();
    final List<String> delete = new ArrayList<>();
    final Map<String, Map<String, String>> store = new LinkedHashMap<>();
    final List<RunEvent> events = new ArrayList<>();
    private Instant wakeAt;
    /** Real outputs of each succeeded step (sensitive ones from where they are stored), for templates and when. */
    private final Map<String, Map<String, String>> outputs = new HashMap<>();
    private final Map<String, EffectiveStep> effective = new HashMap<>();
    private int outputBytes;
    private Templates.Context templates;
    /** Steps spec.stepsToRun selects, or null when it selects all. */
    private final Set<String> selected;
    /** Payloads of the events the Run has received, by name (status.events plus new ones in spec.events). */
    private final Map<String, String> delivered = new HashMap<>();
    /** At most this many events are recorded; more names are ignored with a warning. */
    static final int MAX_EVENTS = 100;

    PlanState(RunFacts facts, String workflowName, String revisionName, WorkflowSpec template, Map<String, String> params,
              RunStatus status) {
        this.facts = facts;
        this.workflowName = workflowName;
        this.revisionName = revisionName;
        this.template = template;
        this.params = params;
        this.dag = Dag.of(template.steps);
        this.status = status;
        this.selected = selection(facts.run().getSpec().stepsToRun, dag);
    }

    /** The steps named in stepsToRun, with everything below those marked withDownstream. */
    private static Set<String> selection(List<RunSpec.StepSelector> stepsToRun, Dag dag) {
        if (stepsToRun == null || stepsToRun.isEmpty()) {
            return null;
        }
        Set<String> out = new HashSet<>();
        Deque<String> below = new ArrayDeque<>();
        for (RunSpec.StepSelector sel : stepsToRun) {
            out.add(sel.name);
            if (sel.downstream()) {
                below.add(sel.name);
            }
        }
        while (!below.isEmpty()) {
            for (String child : dag.children(below.pop())) {
                if (out.add(child)) {
                    below.add(child);
                }
            }
        }
        return out;
    }

    /** Whether the Run runs this step (spec.stepsToRun). */
    boolean selected(String step) {
        return selected == null || selected.contains(step);
    }

    @Override
    public boolean suspended() {
        return facts.suspend();
    }

    /** The Run's extra environment for one step (spec.stepParams). */
    @Override
    public Map<String, String> stepEnv(String step) {
        var all = facts.run().getSpec().stepParams;
        Map<String, String> env = all == null ? null : all.get(step);
        return env == null ? Map.of() : env;
    }

    @Override
    public String eventPayload(String event) {
        return delivered.get(event);
    }

    /** Records events new in spec.events in status (first delivery wins), so taking them out of spec never undoes them. */
    private void receiveEvents() {
        int payloadBytes = 0;
        if (status.events != null) {
            for (RunStatus.DeliveredEvent e : status.events) {
                delivered.putIfAbsent(e.name, e.payload);
                payloadBytes += StatusBudget.utf8(e.payload);
            }
        }
        var sent = facts.run().getSpec().events;
        if (sent == null) {
            return;
        }
        for (RunSpec.EventDelivery e : sent) {
            if (e == null || e.name == null || delivered.containsKey(e.name)) {
                continue;
            }
            if (delivered.size() >= MAX_EVENTS) {
                warn("EventIgnored", "event '" + e.name + "' ignored: the Run keeps at most " + MAX_EVENTS + " events");
                continue;
            }
            String payload = e.payload == null ? "" : e.payload;
            if (payloadBytes + StatusBudget.utf8(payload) > StatusBudget.RUN_EVENT_BYTES) {
                warn("EventIgnored", "event '" + e.name + "' ignored: the payloads of a Run's events may take at most "
                        + StatusBudget.RUN_EVENT_BYTES / 1024 + " KiB together");
                continue;
            }
            payloadBytes += StatusBudget.utf8(payload);
            if (status.events == null) {
                status.events = new ArrayList<>();
            }
            status.events.add(new RunStatus.DeliveredEvent(e.name, payload, Times.format(now())));
            delivered.put(e.name, payload);
            events.add(new RunEvent(RunEvent.Type.Normal, "EventReceived", "event '" + e.name + "' received"));
        }
    }

    /** Indexes the status's steps and the outputs of those that succeeded before this plan. */
    void index() {
        receiveEvents();
        status.steps.forEach(s -> steps.put(s.name, s));
        for (StepStatus s : status.steps) {
            if (s.phase == StepPhase.Succeeded && dag.has(s.name)) {
                recordOutputs(s.name, realOutputs(s));
            }
        }
    }

    @Override
    public Instant now() {
        return facts.now();
    }

    @Override
    public Step step(String name) {
        return dag.step(name);
    }

    @Override
    public EffectiveStep effective(String name) {
        return effective.computeIfAbsent(name, n -> EffectiveStep.of(template, dag.step(n)));
    }

    @Override
    public void wake(Instant t) {
        if (wakeAt == null || t.isBefore(wakeAt)) {
            wakeAt = t;
        }
    }

    Instant wakeAt() {
        return wakeAt;
    }

    void clearWake() {
        wakeAt = null;
    }

    @Override
    public void warn(String reason, String message) {
        events.add(new RunEvent(RunEvent.Type.Warning, reason, message));
    }

    @Override
    public void finishStep(StepStatus st, StepPhase phase, String message) {
        st.phase = phase;
        st.message = message == null ? null : StatusBudget.truncate(message, StatusBudget.MESSAGE_BYTES);
        st.nextRetryAt = null;
        st.finishedAt = Times.format(now());
        if (phase == StepPhase.Failed) {
            warn("StepFailed", "step " + st.name + " failed: " + message);
        }
    }

    /** Marks a step Succeeded with its real outputs; they count against the Run's output budget. */
    @Override
    public void succeed(StepStatus st, Map<String, String> real, Map<String, String> shown) {
        st.outputs = shown;
        recordOutputs(st.name, real);
        finishStep(st, StepPhase.Succeeded, null);
    }

    /** Bytes of outputs the Run already holds, and whether {@code more} still fits in its budget. */
    @Override
    public boolean outputsFit(Map<String, String> more) {
        return outputBytes + StatusBudget.outputBytes(more) <= StatusBudget.RUN_OUTPUT_BYTES;
    }

    @Override
    public int outputBytes() {
        return outputBytes;
    }

    private void recordOutputs(String step, Map<String, String> real) {
        outputs.put(step, real);
        outputBytes += StatusBudget.outputBytes(real);
    }

    /** The real outputs of a succeeded step: from status, or from the store for a sensitive step. */
    private Map<String, String> realOutputs(StepStatus s) {
        if (dag.step(s.name).redacted() && dag.step(s.name).typeOrDefault() != dev.stepwise.api.v1alpha1.StepType.waitForEvent) {
            return facts.observed().storedOutputs().getOrDefault(s.name, Map.of());
        }
        return s.outputs == null ? Map.of() : s.outputs;
    }

    /** Templates see the outputs of steps as they succeed during this plan. */
    @Override
    public Templates.Context templates() {
        if (templates == null) {
            templates = new Templates.Context(params, outputs, facts.runName(), facts.namespace(), workflowName);
        }
        return templates;
    }

    /** What {@code when} sees of each step, computed only for the steps an expression reads. */
    Map<String, WhenExpressions.StepFacts> stepFacts() {
        return LazyMaps.view(steps.keySet(), name -> new WhenExpressions.StepFacts(steps.get(name).phase.name(),
                outputs.getOrDefault(name, Map.of())));
    }

    @Override
    public String runName() {
        return facts.runName();
    }

    @Override
    public String namespace() {
        return facts.namespace();
    }

    @Override
    public Map<String, String> namespaceLabels() {
        return facts.namespaceLabels();
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    @Override
    public Map<String, InstanceTypeSpec> instanceTypes() {
        return facts.instanceTypes();
    }

    @Override
    public Duration defaultPendingTimeout() {
        return facts.settings().defaultPendingTimeout();
    }

    @Override
    public int disruptionRetryLimit() {
        return facts.settings().disruptionRetryLimit();
    }

    @Override
    public ObservedJob job(String jobName) {
        return facts.observed().jobs().get(jobName);
    }

    @Override
    public boolean hasLivePod(String jobName) {
        return facts.observed().jobsWithLivePods().contains(jobName);
    }

    @Override
    public CreateResult createResult(String jobName) {
        return facts.results().creates().get(jobName);
    }

    @Override
    public String storeFailure() {
        return facts.results().storeFailure();
    }

    @Override
    public Map<String, String> storedOutputs(String step) {
        return facts.observed().storedOutputs().get(step);
    }

    @Override
    public String retryOf() {
        return status.retryOf;
    }

    @Override
    public Map<String, String> retriedOutputs(String step) {
        return status.retryOf == null ? null : facts.runs().get(status.retryOf)
                .map(r -> facts.runs().storedOutputs(r).get(step)).orElse(null);
    }

    @Override
    public void create(JobToCreate job) {
        create.add(job);
    }

    @Override
    public void delete(String jobName) {
        delete.add(jobName);
    }

    @Override
    public void store(String step, Map<String, String> outputs) {
        store.put(step, outputs);
    }
}
