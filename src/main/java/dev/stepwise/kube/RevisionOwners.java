package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.workflow.RevisionHolds;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.List;
import java.util.Optional;

/**
 * Makes an unfinished Run an owner of the revision it pinned, and lets go when it finishes (see
 * {@link RevisionHolds}). The owner list is replaced by a merge patch that carries the
 * resourceVersion it was computed from, so two Runs of one revision never drop each other's
 * reference: on a conflict the live revision is read and the change made again. Runs of one
 * revision take turns in this process (a lock stripe per revision name), so a burst of Runs
 * starting together conflicts only with the cache's lag, not with each other.
 */
public final class RevisionOwners {
    private static final int ATTEMPTS = 4;
    private static final Object[] STRIPES = new Object[32];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new Object();
        }
    }

    private RevisionOwners() {
    }

    /**
     * @param revision the revision as cached (possibly stale)
     * @param hold whether the Run should hold it
     */
    public static void hold(KubernetesClient client, WorkflowRevision revision, Run run, boolean hold) {
        OwnerReference ref = new OwnerReferenceBuilder().withApiVersion(run.getApiVersion()).withKind(run.getKind())
                .withName(run.getMetadata().getName()).withUid(run.getMetadata().getUid()).build();
        String key = revision.getMetadata().getNamespace() + "/" + revision.getMetadata().getName();
        synchronized (STRIPES[Math.floorMod(key.hashCode(), STRIPES.length)]) {
            hold(client, revision, ref, hold);
        }
    }

    private static void hold(KubernetesClient client, WorkflowRevision revision, OwnerReference ref, boolean hold) {
        WorkflowRevision current = revision;
        for (int attempt = 1; current != null; attempt++) {
            if (current.getMetadata().getDeletionTimestamp() != null) {
                return;
            }
            Optional<List<OwnerReference>> wanted = RevisionHolds.owners(current.getMetadata().getOwnerReferences(), ref, hold);
            if (wanted.isEmpty()) {
                return;
            }
            try {
                MergePatch.metadataIfUnchanged(client, WorkflowRevision.class, current, "ownerReferences", wanted.get());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return;
                }
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
            current = client.resources(WorkflowRevision.class).inNamespace(revision.getMetadata().getNamespace())
                    .withName(revision.getMetadata().getName()).get();
        }
    }
}
