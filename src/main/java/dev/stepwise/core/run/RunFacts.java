package dev.stepwise.core.run;

import dev.stepwise.core.start.OtherRuns;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything the core decides a Run from. Lookups are functions so that the edge only reads what a
 * decision needs (the Workflow is read only while the Run has not pinned a revision yet).
 *
 * @param run           the Run as cached (never mutated by the core)
 * @param workflow      reads the Workflow the Run names
 * @param revisions     looks up a WorkflowRevision of the Run's namespace by name
 * @param results       problems met carrying out this reconcile's first plan, or {@link ActionResults#NONE}
 * @param runs          other Runs of the namespace (the one a retry retries), read only when needed
 * @param notified      what the notifications sent since the last look got (2xx, an error), to record in status
 * @param namespaceLabels the labels of the Run's namespace, from the operator's cache (InstanceType namespaceSelector)
 */
public record RunFacts(Run run, Supplier<Optional<WorkflowResource>> workflow,
                       Function<String, Optional<WorkflowRevision>> revisions, Observed observed,
                       ActionResults results, Map<String, InstanceTypeSpec> instanceTypes, PlannerSettings settings,
                       Instant now, OtherRuns runs, java.util.List<NotificationResult> notified,
                       Map<String, String> namespaceLabels) {

    public RunFacts(Run run, Supplier<Optional<WorkflowResource>> workflow,
                    Function<String, Optional<WorkflowRevision>> revisions, Observed observed, ActionResults results,
                    Map<String, InstanceTypeSpec> instanceTypes, PlannerSettings settings, Instant now, OtherRuns runs,
                    java.util.List<NotificationResult> notified) {
        this(run, workflow, revisions, observed, results, instanceTypes, settings, now, runs, notified, Map.of());
    }

    public RunFacts(Run run, Supplier<Optional<WorkflowResource>> workflow,
                    Function<String, Optional<WorkflowRevision>> revisions, Observed observed, ActionResults results,
                    Map<String, InstanceTypeSpec> instanceTypes, PlannerSettings settings, Instant now, OtherRuns runs) {
        this(run, workflow, revisions, observed, results, instanceTypes, settings, now, runs, java.util.List.of());
    }

    public RunFacts(Run run, Supplier<Optional<WorkflowResource>> workflow,
                    Function<String, Optional<WorkflowRevision>> revisions, Observed observed, ActionResults results,
                    Map<String, InstanceTypeSpec> instanceTypes, PlannerSettings settings, Instant now) {
        this(run, workflow, revisions, observed, results, instanceTypes, settings, now, OtherRuns.NONE);
    }

    public RunFacts withResults(ActionResults r) {
        return new RunFacts(run, workflow, revisions, observed, r, instanceTypes, settings, now, runs, notified, namespaceLabels);
    }

    public String runName() {
        return run.getMetadata().getName();
    }

    public String namespace() {
        return run.getMetadata().getNamespace();
    }

    public Long generation() {
        return run.getMetadata().getGeneration();
    }

    public boolean cancel() {
        return run.getSpec() != null && run.getSpec().cancelRequested();
    }

    public boolean suspend() {
        return run.getSpec() != null && run.getSpec().suspendRequested();
    }
}
