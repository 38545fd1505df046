package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.kube.CacheTrim;
import dev.stepwise.kube.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The caches the Run controller reads, and how their changes find their Run. Jobs and pods are
 * indexed by their controller's UID (ownership is by UID, never by name); pods also by Job name, to
 * see a deleted Job's pod that still terminates; the Job controller's FailedCreate events (a pod
 * refused by admission or quota) by the Job's UID.
 */
final class RunEventSources {
    static final String BY_CONTROLLER = "byControllerUid";
    static final String BY_JOB_NAME = "byJobName";
    static final String BY_INVOLVED = "byInvolvedUid";

    private RunEventSources() {
    }

    static List<EventSource<?, Run>> create(EventSourceContext<Run> context) {
        var jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, Run.class)
                .withLabelSelector(Labels.SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Run.class))
                .withItemStore(new TransformingItemStore<>(CacheTrim::job))
                .withOnUpdateFilter(ChangesThatMatter::job)
                .build(), context);
        jobs.addIndexers(Map.of(BY_CONTROLLER, RunEventSources::controllerKey));
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, Run.class)
                .withLabelSelector(Labels.SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromAnnotation(Labels.RUN_ANNOTATION, null, Run.class))
                .withItemStore(new TransformingItemStore<>(CacheTrim::pod))
                .withOnUpdateFilter(ChangesThatMatter::pod)
                .build(), context);
        pods.addIndexers(Map.of(BY_CONTROLLER, RunEventSources::controllerKey,
                BY_JOB_NAME, pod -> {
                    String job = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.JOB_NAME);
                    return job == null ? List.of() : List.of(pod.getMetadata().getNamespace() + "/" + job);
                }));
        // only the Job controller's "cannot create the pod" events: Pod Security, quota on pods, a missing ServiceAccount
        var failedCreates = new InformerEventSource<>(InformerEventSourceConfiguration.from(Event.class, Run.class)
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("reason", "FailedCreate"),
                        new FieldSelector.Field("involvedObject.kind", "Job")))
                .withSecondaryToPrimaryMapper((Event e) -> jobs.get(new ResourceID(e.getInvolvedObject().getName(),
                                e.getInvolvedObject().getNamespace()))
                        .map(job -> job.getMetadata().getOwnerReferences().stream()
                                .filter(o -> "Run".equals(o.getKind()))
                                .map(o -> new ResourceID(o.getName(), job.getMetadata().getNamespace()))
                                .collect(java.util.stream.Collectors.toSet()))
                        .orElse(Set.of()))
                .build(), context);
        failedCreates.addIndexers(Map.of(BY_INVOLVED, e -> e.getInvolvedObject() == null || e.getInvolvedObject().getUid() == null
                ? List.of() : List.of(e.getInvolvedObject().getUid())));
        // read-only caches: revisions are immutable, InstanceTypes and Namespaces are read when a Job is built
        var revisions = new InformerEventSource<>(InformerEventSourceConfiguration.from(WorkflowRevision.class, Run.class)
                .withSecondaryToPrimaryMapper(r -> Set.of()).build(), context);
        var instanceTypes = new InformerEventSource<>(InformerEventSourceConfiguration.from(InstanceType.class, Run.class)
                .withSecondaryToPrimaryMapper(r -> Set.of()).build(), context);
        // Namespaces for their labels only (InstanceType namespaceSelector), read when a Job is built
        var namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, Run.class)
                .withSecondaryToPrimaryMapper(n -> Set.of())
                .withItemStore(new TransformingItemStore<>(CacheTrim::namespace))
                .build(), context);
        return List.of(jobs, pods, failedCreates, revisions, instanceTypes, namespaces);
    }

    private static List<String> controllerKey(HasMetadata o) {
        String uid = Labels.controllerUid(o);
        return uid == null ? List.of() : List.of(uid);
    }

    /** The message of the newest of a Job's FailedCreate events. */
    static String latestMessage(Collection<Event> events) {
        return events.stream()
                .max(Comparator.comparing(e -> Objects.requireNonNullElse(e.getLastTimestamp(),
                        Objects.requireNonNullElse(e.getMetadata().getCreationTimestamp(), ""))))
                .map(Event::getMessage).orElse(null);
    }
}
