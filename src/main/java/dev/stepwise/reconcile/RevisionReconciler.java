package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.workflow.RevisionRelease;
import dev.stepwise.kube.RevisionPublisher;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Keeps a WorkflowRevision while an unfinished Run uses it. Revisions are owned by their Workflow, so
 * deleting the Workflow makes the garbage collector delete them; the finalizer they are published with
 * holds each one until {@link RevisionRelease} finds no Run that needs it. Runs are listed only then
 * (a Workflow deleted is rare), so this controller keeps no Run cache of its own.
 */
@ControllerConfiguration(name = "revision", finalizerName = RevisionPublisher.IN_USE)
@GradualRetry(maxAttempts = -1, initialInterval = 1000, intervalMultiplier = 2, maxInterval = 120_000)
public class RevisionReconciler implements Reconciler<WorkflowRevision>, Cleaner<WorkflowRevision> {
    private static final Logger LOG = Logger.getLogger(RevisionReconciler.class);
    /** How often a held revision looks again whether its Runs have finished. */
    static final Duration RECHECK = Duration.ofSeconds(10);

    @Override
    public UpdateControl<WorkflowRevision> reconcile(WorkflowRevision revision, Context<WorkflowRevision> context) {
        // nothing to do while it lives: the finalizer is there from its creation (or added by the framework)
        return UpdateControl.noUpdate();
    }

    @Override
    public DeleteControl cleanup(WorkflowRevision revision, Context<WorkflowRevision> context) {
        String ns = revision.getMetadata().getNamespace();
        String workflow = revision.getSpec() == null ? null : revision.getSpec().workflow;
        if (workflow == null) {
            return DeleteControl.defaultDelete();
        }
        List<Run> runs = context.getClient().resources(Run.class).inNamespace(ns).list().getItems();
        List<String> holders = RevisionRelease.holders(revision.getMetadata().getName(), workflow, runs);
        if (holders.isEmpty()) {
            return DeleteControl.defaultDelete();
        }
        LOG.infof("revision %s/%s stays while Runs use it: %s", ns, revision.getMetadata().getName(),
                String.join(", ", holders.subList(0, Math.min(5, holders.size()))) + (holders.size() > 5 ? " ..." : ""));
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK);
    }
}
