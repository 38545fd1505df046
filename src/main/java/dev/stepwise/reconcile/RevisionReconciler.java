package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.workflow.RevisionHolds;
import dev.stepwise.kube.MergePatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Tidies WorkflowRevisions, which the garbage collector keeps while their Workflow or an unfinished
 * Run owns them (see {@link RevisionHolds}). Two things are left to the operator: a revision whose
 * last Run let go after its Workflow was deleted has no owner left, and is deleted here; and a
 * revision published with the old blocking finalizer gets it removed, once every Run that pinned it
 * is an owner (or, if it is already being deleted, once those Runs have finished). Nothing waits on
 * this controller: with the operator stopped, deleting a Workflow, a namespace or the CRDs completes.
 * It is told of every change (owner references do not bump a generation, and a revision being
 * deleted is no concern of the framework, which holds no finalizer of its own here).
 */
@ControllerConfiguration(name = "revision", generationAwareEventProcessing = false, triggerReconcilerOnAllEvents = true)
@GradualRetry(maxAttempts = -1, initialInterval = 1000, intervalMultiplier = 2, maxInterval = 120_000)
public class RevisionReconciler implements Reconciler<WorkflowRevision> {
    private static final Logger LOG = Logger.getLogger(RevisionReconciler.class);
    /** How often a held revision looks again whether its Runs have finished or become owners. */
    static final Duration RECHECK = Duration.ofSeconds(10);

    private final RunIndex runs;

    public RevisionReconciler(RunIndex runs) {
        this.runs = runs;
    }

    @Override
    public UpdateControl<WorkflowRevision> reconcile(WorkflowRevision revision, Context<WorkflowRevision> context) {
        if (context.isPrimaryResourceDeleted()) {
            return UpdateControl.noUpdate();
        }
        boolean legacy = revision.getMetadata().getFinalizers().contains(RevisionHolds.LEGACY_FINALIZER);
        if (!legacy && !RevisionHolds.orphaned(revision)) {
            return UpdateControl.noUpdate();
        }
        String ns = revision.getMetadata().getNamespace();
        String name = revision.getMetadata().getName();
        String workflow = revision.getSpec() == null ? null : revision.getSpec().workflow;
        List<Run> ofWorkflow = workflow == null ? List.of() : runs.ofWorkflow(ns, workflow);
        List<String> waiting = legacy && revision.getMetadata().getDeletionTimestamp() != null
                ? RevisionHolds.legacyHolders(name, workflow, ofWorkflow)
                : RevisionHolds.unheldPins(revision, ofWorkflow);
        if (!waiting.isEmpty()) {
            LOG.debugf("revision %s/%s waits for Runs that pinned it: %s", ns, name,
                    String.join(", ", waiting.subList(0, Math.min(5, waiting.size()))) + (waiting.size() > 5 ? " ..." : ""));
            return UpdateControl.<WorkflowRevision>noUpdate().rescheduleAfter(RECHECK);
        }
        KubernetesClient client = context.getClient();
        if (legacy) {
            removeLegacyFinalizer(client, revision);
        } else {
            deleteOrphan(client, revision);
        }
        return UpdateControl.noUpdate();
    }

    private static void removeLegacyFinalizer(KubernetesClient client, WorkflowRevision revision) {
        List<String> rest = revision.getMetadata().getFinalizers().stream()
                .filter(f -> !RevisionHolds.LEGACY_FINALIZER.equals(f)).toList();
        try {
            // a finalizer list changed since the cache saw it is a 409
            MergePatch.metadataIfUnchanged(client, WorkflowRevision.class, revision, "finalizers", rest);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
            // gone, or changed since the cache saw it: its next event looks again
        }
    }

    private static void deleteOrphan(KubernetesClient client, WorkflowRevision revision) {
        try {
            // only the very revision judged here: a Run that took hold of it since changed its resourceVersion
            client.resources(WorkflowRevision.class).inNamespace(revision.getMetadata().getNamespace())
                    .withName(revision.getMetadata().getName())
                    .lockResourceVersion(revision.getMetadata().getResourceVersion()).delete();
            LOG.infof("revision %s/%s deleted: its Workflow is gone and no Run uses it", revision.getMetadata().getNamespace(),
                    revision.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }
}
