package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import dev.stepwise.core.status.StatusCopy;
import dev.stepwise.core.run.RunEvent;
import dev.stepwise.core.workflow.WorkflowLifecycle;
import dev.stepwise.core.workflow.WorkflowValidator;
import dev.stepwise.kube.RunEvents;
import dev.stepwise.kube.WorkflowActuator;
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

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a Workflow: reads what it needs from caches, asks the core ({@link WorkflowLifecycle}) for
 * the status and what to do (publish a revision, start a schedule's slots, prune the history, wake
 * Queued Runs), does it, lets the core judge what the API server refused, and writes the status
 * whatever came of the side effects.
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
    private final WorkflowIndex workflows;

    public WorkflowReconciler(Clock clock, RunWakeups wakeups, WorkflowWakeups workflowWakeups, RunIndex runIndex, WorkflowIndex workflows) {
        this.clock = clock;
        this.wakeups = wakeups;
        this.workflowWakeups = workflowWakeups;
        this.runIndex = runIndex;
        this.workflows = workflows;
    }

    @Override
    public List<EventSource<?, WorkflowResource>> prepareEventSources(EventSourceContext<WorkflowResource> context) {
        workflows.attach(context.getPrimaryCache());
        var revisions = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(WorkflowRevision.class, WorkflowResource.class)
                // by the Workflow's name, not its owner reference: a revision a Run still holds after its
                // Workflow was deleted has lost that reference, and a Workflow created again under the
                // name must count past it
                .withSecondaryToPrimaryMapper((WorkflowRevision r) -> r.getSpec() == null || r.getSpec().workflow == null ? Set.of()
                        : Set.of(new ResourceID(r.getSpec().workflow, r.getMetadata().getNamespace())))
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
        String ns = wf.getMetadata().getNamespace();
        var facts = new WorkflowLifecycle.Facts(wf, known, context.getSecondaryResources(WorkflowRevision.class),
                runIndex.ofWorkflow(ns, wf.getMetadata().getName()), clock.instant(), WorkflowLifecycle.Refusals.NONE);
        WorkflowLifecycle.Plan plan = WorkflowLifecycle.decide(facts);
        // a Run of this workflow came, ended or went: the first Queued ones may take its slot now
        plan.wake().forEach(name -> wakeups.wake(new ResourceID(name, ns)));
        if (plan.hasActions()) {
            InformerEventSource<WorkflowRevision, WorkflowResource> revisions = Informers.source(context, WorkflowRevision.class);
            WorkflowLifecycle.Refusals results = WorkflowActuator.act(context.getClient(), wf, plan, clock.instant(),
                    // the next reconcile must see it even if the informer has not caught up
                    rev -> revisions.handleRecentResourceCreate(ResourceID.fromResource(rev), rev));
            if (!results.isEmpty()) {
                plan = WorkflowLifecycle.decide(facts.withResults(results));
            }
        }
        RunEvents events = new RunEvents(context.getClient());
        for (WorkflowLifecycle.Warning w : plan.warnings()) {
            events.recordRepeating(wf, new RunEvent(RunEvent.Type.Warning, w.reason(), w.message()), clock.instant());
        }
        WorkflowStatus old = wf.getStatus() == null ? new WorkflowStatus() : wf.getStatus();
        UpdateControl<WorkflowResource> control;
        java.time.Duration countsLater = null;
        if (StatusCopy.same(old, plan.status())) {
            control = UpdateControl.noUpdate();
        } else if ((countsLater = RunSummaryPace.hold(wf, old, plan.status(), clock.instant())) != null) {
            control = UpdateControl.noUpdate();
        } else {
            wf.setStatus(plan.status());
            control = UpdateControl.patchStatus(wf);
            RunSummaryPace.written(wf, clock.instant());
        }
        java.time.Duration again = WorkflowLifecycle.sooner(plan.requeueAfter(), countsLater);
        return again == null ? control : control.rescheduleAfter(again);
    }
}
