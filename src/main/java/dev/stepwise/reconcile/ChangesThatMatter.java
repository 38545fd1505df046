package dev.stepwise.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

import java.util.Objects;

/**
 * Which updates of a step's Job or pod wake its Run. Every update still reaches the cache; an
 * update that changes nothing the Run controller reads (kube/JobObserver, RunObserver) would only
 * cost a reconcile. Per step that is about half the pod's updates (the Job controller removing its
 * tracking finalizer, the scheduler's binding) and the Job's {@code ready} and
 * {@code uncountedTerminatedPods} bookkeeping.
 *
 * <p>The two objects compared can be one trimmed (the cache's old copy, see kube/CacheTrim) and one
 * as the API server sent it, so only what both keep is compared: metadata, the status, and a Job's
 * backoffLimit.
 */
final class ChangesThatMatter {
    private ChangesThatMatter() {
    }

    static boolean job(Job now, Job before) {
        return metadataDiffers(now, before) || !sameJobStatus(now.getStatus(), before.getStatus())
                || !Objects.equals(backoffLimit(now), backoffLimit(before));
    }

    static boolean pod(Pod now, Pod before) {
        return metadataDiffers(now, before) || !Objects.equals(now.getStatus(), before.getStatus());
    }

    /** What identifies, owns, maps and deletes: not resourceVersion, finalizers or managedFields. */
    private static boolean metadataDiffers(HasMetadata now, HasMetadata before) {
        ObjectMeta a = now.getMetadata();
        ObjectMeta b = before.getMetadata();
        return !Objects.equals(a.getUid(), b.getUid())
                || !Objects.equals(a.getLabels(), b.getLabels())
                || !Objects.equals(a.getAnnotations(), b.getAnnotations())
                || !Objects.equals(a.getOwnerReferences(), b.getOwnerReferences())
                || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp());
    }

    /** The Job status fields the Run controller reads; not {@code ready} or {@code uncountedTerminatedPods}. */
    private static boolean sameJobStatus(JobStatus a, JobStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.getConditions(), b.getConditions())
                && Objects.equals(a.getActive(), b.getActive())
                && Objects.equals(a.getSucceeded(), b.getSucceeded())
                && Objects.equals(a.getFailed(), b.getFailed())
                && Objects.equals(a.getTerminating(), b.getTerminating())
                && Objects.equals(a.getStartTime(), b.getStartTime())
                && Objects.equals(a.getCompletionTime(), b.getCompletionTime());
    }

    private static Integer backoffLimit(Job job) {
        JobSpec spec = job.getSpec();
        return spec == null ? null : spec.getBackoffLimit();
    }
}
