package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import dev.stepwise.core.Conditions;
import dev.stepwise.core.StatusCopy;
import dev.stepwise.core.RevisionDecision;
import dev.stepwise.core.WorkflowValidator;
import dev.stepwise.kube.RevisionPublisher;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates a Workflow, publishes {@code <workflow>-r<N>} revisions when what runs changes, and
 * reports its current revision and last Run.
 */
@ControllerConfiguration(name = "workflow")
public class WorkflowReconciler implements Reconciler<WorkflowResource> {
    /** Index of the Run informer: "namespace/workflow" (see Informers.byIndex). */
    private static final String BY_WORKFLOW = "byWorkflow";
    private final Clock clock;

    public WorkflowReconciler(Clock clock) {
        this.clock = clock;
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
        var runs = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Run.class, WorkflowResource.class)
                .withSecondaryToPrimaryMapper((Run run) -> run.getSpec() == null || run.getSpec().workflowRef == null
                        ? Set.of()
                        : Set.of(new ResourceID(run.getSpec().workflowRef.name, run.getMetadata().getNamespace())))
                // status.lastRun shows only these: a step's progress in a Run is no reason to look at its Workflow
                .withOnUpdateFilter((Run now, Run before) -> !LastRun.fields(now).equals(LastRun.fields(before)))
                .build(), context);
        runs.addIndexers(Map.of(BY_WORKFLOW, (Run run) -> run.getSpec() == null || run.getSpec().workflowRef == null
                ? List.of() : List.of(run.getMetadata().getNamespace() + "/" + run.getSpec().workflowRef.name)));
        return List.of(revisions, instanceTypes, runs);
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
                allTypes.stream().anyMatch(it -> it.getSpec() != null && it.getSpec().isDefaultType()));
        List<String> problems = WorkflowValidator.validate(wf.getSpec(), known);

        WorkflowStatus status = new WorkflowStatus();
        WorkflowStatus old = wf.getStatus() == null ? new WorkflowStatus() : wf.getStatus();
        status.currentRevision = old.currentRevision;
        status.revision = old.revision;
        status.lastRun = LastRun.of(Informers.byIndex(context, Run.class, BY_WORKFLOW,
                wf.getMetadata().getNamespace() + "/" + wf.getMetadata().getName()));
        Long generation = wf.getMetadata().getGeneration();
        status.observedGeneration = generation;
        List<Conditions.Desired> conditions;
        if (problems.isEmpty()) {
            var revisions = context.getSecondaryResources(WorkflowRevision.class).stream()
                    .map(WorkflowRevision::getSpec).filter(Objects::nonNull).toList();
            RevisionDecision.Outcome outcome = RevisionDecision.decide(wf.getMetadata().getName(), wf.getSpec(), revisions);
            if (outcome.publish()) {
                RevisionPublisher.publish(context.getClient(), wf, outcome, clock.instant());
            }
            status.currentRevision = outcome.name();
            status.revision = outcome.number();
            String msg = "revision " + outcome.number() + " is current";
            conditions = List.of(new Conditions.Desired("Ready", Conditions.TRUE, "Ready", msg),
                    new Conditions.Desired("Stalled", Conditions.FALSE, "Ready", msg),
                    new Conditions.Desired("Reconciling", Conditions.FALSE, "Ready", msg));
        } else {
            String msg = "invalid workflow: " + String.join("; ", problems);
            conditions = List.of(new Conditions.Desired("Ready", Conditions.FALSE, "Invalid", msg),
                    new Conditions.Desired("Stalled", Conditions.TRUE, "Invalid", msg),
                    new Conditions.Desired("Reconciling", Conditions.FALSE, "Invalid", msg));
        }
        status.conditions = Conditions.apply(old.conditions, conditions, List.of(), generation, clock.instant());
        if (StatusCopy.same(old, status)) {
            return UpdateControl.noUpdate();
        }
        wf.setStatus(status);
        return UpdateControl.patchStatus(wf);
    }
}
