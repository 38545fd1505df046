package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.time.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one author of a Workflow's status, like RunLifecycle is of a Run's: from what the operator
 * observed (the Workflow, its revisions, its Runs, the InstanceTypes, the time) and what the API
 * server refused when the last decision was acted on, it decides the status and what to do: the
 * revision to publish, the scheduled Runs to create, the history Runs to delete, the Queued Runs
 * to wake. Pure: no API calls, the clock an argument. A refused side effect never costs the status:
 * it is decided again with the refusal, shown (Reconciling=True naming it, a Warning Event) and
 * tried again later; a refused slot is not counted as started.
 */
public final class WorkflowLifecycle {
    /** How soon a refused scheduled-Run create or history delete is tried again. */
    public static final Duration REFUSED_RETRY = Duration.ofSeconds(30);

    private WorkflowLifecycle() {
    }

    /**
     * What the reconciler saw.
     *
     * @param revisions the Workflow's revisions, published ones and those being deleted
     * @param runs      the Workflow's Runs in its namespace
     */
    public record Facts(WorkflowResource workflow, WorkflowValidator.InstanceTypes instanceTypes,
                        Collection<WorkflowRevision> revisions, Collection<Run> runs, Instant now, Refusals results) {
        public Facts withResults(Refusals r) {
            return new Facts(workflow, instanceTypes, revisions, runs, now, r);
        }
    }

    /**
     * What acting on a decision came to: the publish's result (null when none was asked for), and the
     * scheduled Runs and history deletes the API server refused (Run name to reason and message).
     */
    public record Refusals(PublishResult publish, Map<String, String> slots, Map<String, String> deletes) {
        public static final Refusals NONE = new Refusals(null, Map.of(), Map.of());

        public boolean isEmpty() {
            return publish == null && slots.isEmpty() && deletes.isEmpty();
        }
    }

    /** A Run to delete: only the very one judged (a Run created again under the name is another). */
    public record RunRef(String name, String uid, String resourceVersion) {
    }

    /** A Warning Event to record on the Workflow. */
    public record Warning(String reason, String message) {
    }

    /**
     * @param publish     the revision to publish, or null
     * @param create      scheduled Runs to create
     * @param delete      finished Runs the history no longer keeps
     * @param wake        Queued Runs that may take a free slot now
     * @param requeueAfter when to look again, or null
     */
    public record Plan(WorkflowStatus status, RevisionDecision.Outcome publish, List<ScheduleDecision.SlotRun> create,
                       List<RunRef> delete, List<String> wake, List<Warning> warnings, Duration requeueAfter) {
        public boolean hasActions() {
            return publish != null || !create.isEmpty() || !delete.isEmpty();
        }
    }

    public static Plan decide(Facts facts) {
        WorkflowResource wf = facts.workflow();
        WorkflowSpec spec = wf.getSpec();
        Instant now = facts.now();
        Refusals results = facts.results();
        WorkflowStatus old = wf.getStatus() == null ? new WorkflowStatus() : wf.getStatus();
        WorkflowStatus status = new WorkflowStatus();
        status.currentRevision = old.currentRevision;
        status.revision = old.revision;
        status.lastRun = LastRun.of(facts.runs());
        status.runCounts = RunCounts.of(facts.runs());
        status.observedGeneration = wf.getMetadata().getGeneration();
        List<String> wake = RunQueue.limits(spec) ? RunQueue.toWake(spec, facts.runs()) : List.of();

        List<String> problems = WorkflowValidator.validate(spec, facts.instanceTypes());
        RevisionDecision.Outcome publish = null;
        WorkflowReadiness readiness;
        if (problems.isEmpty()) {
            RevisionDecision.Outcome outcome = RevisionDecision.decide(wf.getMetadata().getName(), wf.getMetadata().getUid(), spec,
                    facts.revisions().stream().filter(r -> r.getSpec() != null && r.getSpec().revision != null)
                            .map(WorkflowLifecycle::published).toList());
            boolean graphMissing = facts.revisions().stream().anyMatch(r -> r.getMetadata().getName().equals(outcome.name())
                    && (r.getStatus() == null || r.getStatus().steps == null));
            publish = outcome.publish() || graphMissing ? outcome : null;
            PublishResult result = publish == null ? null : results.publish();
            readiness = result instanceof PublishResult.Failed f ? WorkflowReadiness.publishFailed(outcome.number(), f.reason(), f.message())
                    : result instanceof PublishResult.Taken t ? WorkflowReadiness.publishing(t.message())
                    : WorkflowReadiness.published(outcome.number());
            if (readiness.current()) {
                status.currentRevision = outcome.name();
                status.revision = outcome.number();
            }
        } else {
            readiness = WorkflowReadiness.invalid(problems);
        }

        List<Warning> warnings = new ArrayList<>();
        Slots slots = problems.isEmpty() ? schedule(wf, old, status, facts.runs(), now, results, warnings) : Slots.NONE;
        HistoryDecision.Prune prune = HistoryDecision.decide(spec.runHistory, facts.runs(), now);
        List<RunRef> delete = facts.runs().stream().filter(r -> prune.delete().contains(r.getMetadata().getName()))
                .map(r -> new RunRef(r.getMetadata().getName(), r.getMetadata().getUid(), r.getMetadata().getResourceVersion()))
                .toList();
        results.deletes().forEach((name, why) -> warnings.add(new Warning("HistoryDeleteFailed",
                "could not delete run " + name + " of the run history: " + why)));

        List<Conditions.Desired> conditions = new ArrayList<>(readiness.conditions());
        if (!warnings.isEmpty() && readiness.current()) {
            // the Workflow itself is fine (Ready stays True); what failed is being tried again
            String message = warnings.stream().map(Warning::message).collect(Collectors.joining("; "));
            conditions.replaceAll(c -> "Reconciling".equals(c.type())
                    ? new Conditions.Desired("Reconciling", Conditions.TRUE, warnings.get(0).reason(), message) : c);
        }
        status.conditions = Conditions.apply(old.conditions, conditions, List.of(), status.observedGeneration, now);

        Duration again = sooner(sooner(readiness.lookAgain(), slots.untilNext()), prune.wait(now));
        if (!results.slots().isEmpty() || !results.deletes().isEmpty()) {
            again = sooner(again, REFUSED_RETRY);
        }
        return new Plan(status, publish, slots.create(), delete, wake, List.copyOf(warnings), again);
    }

    /**
     * The slots due now and where each schedule stands. A slot whose Run the API server refused is
     * recorded as not started (its schedule keeps its last slot), so the next look tries it again
     * while its startingDeadline allows.
     */
    private record Slots(List<ScheduleDecision.SlotRun> create, Duration untilNext) {
        static final Slots NONE = new Slots(List.of(), null);
    }

    private static Slots schedule(WorkflowResource wf, WorkflowStatus old, WorkflowStatus status,
                                                           Collection<Run> runs, Instant now, Refusals results, List<Warning> warnings) {
        WorkflowSpec spec = wf.getSpec();
        if ((spec.schedules == null || spec.schedules.isEmpty()) && old.schedules == null) {
            return Slots.NONE;
        }
        boolean forbid = spec.concurrencyPolicyOrDefault() == WorkflowSpec.ConcurrencyPolicy.Forbid;
        Set<String> blocking = !forbid ? Set.of() : runs.stream()
                .filter(run -> !RunQueue.finished(run))
                .map(run -> run.getMetadata().getName()).collect(Collectors.toSet());
        ScheduleDecision.Result r = ScheduleDecision.decide(wf.getMetadata().getName(), spec.schedules, old.schedules,
                spec.activeOrDefault(), now, blocking);
        List<ScheduleDecision.SlotRun> create = new ArrayList<>();
        Instant last = r.last();
        for (ScheduleDecision.SlotRun slot : r.start()) {
            String refused = results.slots().get(slot.runName());
            if (refused == null) {
                create.add(slot);
                continue;
            }
            warnings.add(new Warning("ScheduledRunFailed", "could not create run " + slot.runName() + " for the slot "
                    + Times.format(slot.slot()) + ": " + refused));
            var state = r.states().get(slot.schedule());
            Optional<WorkflowStatus.ScheduleStatus> before = old.schedules == null ? Optional.empty()
                    : old.schedules.stream().filter(s -> state.schedule.equals(s.schedule)).findFirst();
            state.lastScheduleTime = before.map(s -> s.lastScheduleTime).orElse(null);
            state.missed = before.map(s -> s.missed).orElse(state.missed);
            last = Times.parse(old.lastScheduleTime);
        }
        status.schedules = r.states().isEmpty() ? null : r.states();
        status.nextScheduleTime = r.next() == null ? null : Times.format(r.next());
        status.lastScheduleTime = last != null ? Times.format(last) : old.lastScheduleTime;
        return new Slots(create, r.wait(now));
    }

    /** The sooner of two waits; null means none. */
    public static Duration sooner(Duration a, Duration b) {
        return a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
    }

    private static RevisionDecision.Published published(WorkflowRevision r) {
        return new RevisionDecision.Published(r.getSpec().revision, r.getSpec().hash, controllerUid(r),
                r.getMetadata().getDeletionTimestamp() != null);
    }

    private static String controllerUid(WorkflowRevision r) {
        return r.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController()))
                .map(o -> o.getUid()).findFirst().orElse(null);
    }
}
