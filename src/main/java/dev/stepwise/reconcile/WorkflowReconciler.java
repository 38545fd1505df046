package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.status.StatusCopy;
import dev.stepwise.core.workflow.RevisionDecision;
import dev.stepwise.core.workflow.RunCounts;
import dev.stepwise.core.workflow.ScheduleDecision;
import dev.stepwise.core.workflow.WorkflowReadiness;
import dev.stepwise.core.workflow.WorkflowValidator;
import dev.stepwise.kube.Labels;
import dev.stepwise.kube.RevisionPublisher;
import dev.stepwise.kube.ScheduledRuns;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates a Workflow, publishes {@code <workflow>-r<N>} revisions when what runs changes, and
 * reports its current revision and last Run.
 */
// JOSDK tells a controller of no deletion of another's resource (and supports no delete hook on its
// own primary informer), so a Run deleted reaches its Workflow's counts and Queued Runs within this interval
@ControllerConfiguration(name = "workflow", maxReconciliationInterval = @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
@GradualRetry(maxAttempts = -1, initialInterval = 1000, intervalMultiplier = 2, maxInterval = 120_000)
public class WorkflowReconciler implements Reconciler<WorkflowResource> {

    private final Clock clock;
    private final RunWakeups wakeups;
    private final WorkflowWakeups workflowWakeups;
    private final RunIndex runIndex;

    public WorkflowReconciler(Clock clock, RunWakeups wakeups, WorkflowWakeups workflowWakeups, RunIndex runIndex) {
        this.clock = clock;
        this.wakeups = wakeups;
        this.workflowWakeups = workflowWakeups;
        this.runIndex = runIndex;
    }

    @Override
    public List<EventSource<?, WorkflowResource>> prepareEventSources(EventSourceContext<WorkflowResource> context) {
        var revisions = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(WorkflowRevision.class, WorkflowResource.class)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(WorkflowResource.class))
                .build(), context);
        // a new InstanceType can make an invalid Workflow valid: look again at those naming it
        var instanceTypes = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(InstanceType.class, WorkflowResource.class)
                .withSecondaryToPrimaryMapper((InstanceType it) -> context.getPrimaryCache()
                        .list(wf -> usesInstanceType(wf, it.getMetadata().getName()))
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        // Runs come from the Run controller's cache (RunIndex); it wakes a Workflow when a Run of it
        // came, changed phase, start or end, or went: a step's progress is no reason to look at it
        return List.of(revisions, instanceTypes, workflowWakeups);
    }

    private static boolean usesInstanceType(WorkflowResource wf, String name) {
        if (wf.getSpec() == null) {
            return false;
        }
        if (wf.getSpec().defaults != null && name.equals(wf.getSpec().defaults.instanceType)) {
            return true;
        }
        return wf.getSpec().steps.stream().map((Step s) -> s.instanceType).anyMatch(name::equals);
    }

    @Override
    public UpdateControl<WorkflowResource> reconcile(WorkflowResource wf, Context<WorkflowResource> context) {
        // the secondary index only holds InstanceTypes this Workflow names; ask the informer for all
        var allTypes = Informers.list(context, InstanceType.class);
        var known = new WorkflowValidator.InstanceTypes(
                allTypes.stream().map(it -> it.getMetadata().getName()).collect(Collectors.toSet()),
                allTypes.stream().filter(it -> it.getSpec() != null && it.getSpec().isDefaultType())
                        .map(it -> it.getMetadata().getName()).sorted().toList());
        List<String> problems = WorkflowValidator.validate(wf.getSpec(), known);

        WorkflowStatus status = new WorkflowStatus();
        WorkflowStatus old = wf.getStatus() == null ? new WorkflowStatus() : wf.getStatus();
        status.currentRevision = old.currentRevision;
        status.revision = old.revision;
        var runs = runIndex.ofWorkflow(wf.getMetadata().getNamespace(), wf.getMetadata().getName());
        status.lastRun = LastRun.of(runs);
        status.runCounts = RunCounts.of(runs);
        if (dev.stepwise.core.start.Admission.limits(wf.getSpec())) {
            // a Run of this workflow came, ended or went: the Queued ones may take its slot now
            runs.stream().filter(r -> r.getStatus() != null && r.getStatus().phase == dev.stepwise.api.v1alpha1.RunPhase.Queued)
                    .forEach(r -> wakeups.wake(ResourceID.fromResource(r)));
        }
        Long generation = wf.getMetadata().getGeneration();
        status.observedGeneration = generation;
        WorkflowReadiness readiness;
        if (problems.isEmpty()) {
            var revisions = context.getSecondaryResources(WorkflowRevision.class);
            RevisionDecision.Outcome outcome = RevisionDecision.decide(wf.getMetadata().getName(), wf.getMetadata().getUid(),
                    wf.getSpec(), revisions.stream().filter(r -> r.getSpec() != null && r.getSpec().revision != null)
                            .map(WorkflowReconciler::published).toList());
            boolean graphMissing = revisions.stream().anyMatch(r -> r.getMetadata().getName().equals(outcome.name())
                    && (r.getStatus() == null || r.getStatus().steps == null));
            RevisionPublisher.Result result = outcome.publish() || graphMissing
                    ? RevisionPublisher.publish(context.getClient(), wf, outcome, clock.instant()) : null;
            if (result instanceof RevisionPublisher.Published p) {
                // the next reconcile must see it even if the informer has not caught up
                InformerEventSource<WorkflowRevision, WorkflowResource> source = Informers.source(context, WorkflowRevision.class);
                source.handleRecentResourceCreate(ResourceID.fromResource(p.revision()), p.revision());
            }
            readiness = result instanceof RevisionPublisher.Failed f ? WorkflowReadiness.publishFailed(outcome.number(), f.reason(), f.message())
                    : result instanceof RevisionPublisher.Taken t ? WorkflowReadiness.publishing(t.message())
                    : WorkflowReadiness.published(outcome.number());
            if (readiness.current()) {
                status.currentRevision = outcome.name();
                status.revision = outcome.number();
            }
        } else {
            readiness = WorkflowReadiness.invalid(problems);
        }
        java.time.Duration nextSlot = problems.isEmpty() ? schedule(wf, old, status, runs, context) : null;
        java.time.Duration nextExpiry = prune(wf, runs, context);
        status.conditions = Conditions.apply(old.conditions, readiness.conditions(), List.of(), generation, clock.instant());
        UpdateControl<WorkflowResource> control;
        java.time.Duration countsLater = null;
        if (StatusCopy.same(old, status)) {
            control = UpdateControl.noUpdate();
        } else if ((countsLater = RunSummaryPace.hold(wf, old, status, clock.instant())) != null) {
            control = UpdateControl.noUpdate();
        } else {
            wf.setStatus(status);
            control = UpdateControl.patchStatus(wf);
            RunSummaryPace.written(wf, clock.instant());
        }
        java.time.Duration again = sooner(sooner(readiness.lookAgain(), countsLater), sooner(nextSlot, nextExpiry));
        return again == null ? control : control.rescheduleAfter(again);
    }

    /** The sooner of two waits; null means none. */
    private static java.time.Duration sooner(java.time.Duration a, java.time.Duration b) {
        return a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
    }

    /** Deletes the finished Runs the workflow's runHistory no longer keeps; returns the wait until the next one expires. */
    private java.time.Duration prune(WorkflowResource wf, java.util.Collection<Run> runs, Context<WorkflowResource> context) {
        var now = clock.instant();
        dev.stepwise.core.workflow.HistoryDecision.Prune p = dev.stepwise.core.workflow.HistoryDecision.decide(wf.getSpec().runHistory, runs, now);
        for (String name : p.delete()) {
            dev.stepwise.kube.RunPatches.delete(context.getClient(), wf.getMetadata().getNamespace(), name);
        }
        return p.wait(now);
    }

    /** Starts the Runs of slots that are due and records where each schedule stands; returns the wait until the next slot. */
    private java.time.Duration schedule(WorkflowResource wf, WorkflowStatus old, WorkflowStatus status,
                                        java.util.Collection<Run> runs, Context<WorkflowResource> context) {
        var spec = wf.getSpec();
        if ((spec.schedules == null || spec.schedules.isEmpty()) && old.schedules == null) {
            return null;
        }
        var now = clock.instant();
        boolean forbid = spec.concurrencyPolicyOrDefault() == dev.stepwise.api.v1alpha1.WorkflowSpec.ConcurrencyPolicy.Forbid;
        Set<String> blocking = !forbid ? Set.of() : runs.stream()
                .filter(run -> !dev.stepwise.core.start.Admission.finished(run))
                .map(run -> run.getMetadata().getName()).collect(Collectors.toSet());
        ScheduleDecision.Result r = ScheduleDecision.decide(wf.getMetadata().getName(), spec.schedules, old.schedules,
                spec.activeOrDefault(), now, blocking);
        for (ScheduleDecision.SlotRun slot : r.start()) {
            ScheduledRuns.create(context.getClient(), wf, slot);
        }
        status.schedules = r.states().isEmpty() ? null : r.states();
        status.nextScheduleTime = r.next() == null ? null : dev.stepwise.core.time.Times.format(r.next());
        status.lastScheduleTime = r.last() != null ? dev.stepwise.core.time.Times.format(r.last()) : old.lastScheduleTime;
        return r.wait(now);
    }

    private static RevisionDecision.Published published(WorkflowRevision r) {
        return new RevisionDecision.Published(r.getSpec().revision, r.getSpec().hash, Labels.controllerUid(r),
                r.getMetadata().getDeletionTimestamp() != null);
    }
}
