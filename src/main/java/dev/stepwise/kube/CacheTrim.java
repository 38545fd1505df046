package dev.stepwise.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * What the operator's caches keep of a Job, a pod or a Run: the parts it reads. The informers hold
 * every Job and pod of every Run for as long as they exist; their pod templates and the API server's
 * managedFields (a field-by-field record of who wrote what, as large as the object) are never read
 * and were most of the live heap. Applied as each object enters the cache (JOSDK's TransformingItemStore).
 */
public final class CacheTrim {
    private CacheTrim() {
    }

    /** Metadata, status, and of the spec only backoffLimit (JobObserver counts failed pods against it). */
    public static Job job(Job job) {
        Job out = identity(job, new Job());
        if (job.getSpec() != null) {
            JobSpec spec = new JobSpec();
            spec.setBackoffLimit(job.getSpec().getBackoffLimit());
            out.setSpec(spec);
        }
        out.setStatus(job.getStatus());
        return out;
    }

    /** Metadata and status: the operator reads a pod's phase, conditions and container states, never its spec. */
    public static Pod pod(Pod pod) {
        Pod out = identity(pod, new Pod());
        out.setStatus(pod.getStatus());
        return out;
    }

    /** Name and labels: all the operator reads of a Namespace (what InstanceTypes' namespaceSelector matches). */
    public static Namespace namespace(Namespace ns) {
        Namespace out = new Namespace();
        out.setApiVersion(ns.getApiVersion());
        out.setMetadata(new ObjectMetaBuilder().withName(ns.getMetadata().getName()).withUid(ns.getMetadata().getUid())
                .withResourceVersion(ns.getMetadata().getResourceVersion()).withLabels(ns.getMetadata().getLabels()).build());
        return out;
    }

    /** {@code to} with {@code from}'s apiVersion and metadata, less managedFields (the kind is the class's). */
    private static <R extends HasMetadata> R identity(R from, R to) {
        to.setApiVersion(from.getApiVersion());
        to.setMetadata(from.getMetadata());
        return withoutManagedFields(to);
    }

    /** The object without its managedFields. */
    public static <R extends HasMetadata> R withoutManagedFields(R resource) {
        if (resource.getMetadata() != null) {
            resource.getMetadata().setManagedFields(null);
        }
        return resource;
    }
}
