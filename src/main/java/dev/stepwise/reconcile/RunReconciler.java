package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.Conditions;
import dev.stepwise.core.RunContext;
import dev.stepwise.core.RunEvent;
import dev.stepwise.core.RunOutcome;
import dev.stepwise.core.RunPlan;
import dev.stepwise.core.RunPlanner;
import dev.stepwise.core.RunConditions;
import dev.stepwise.core.StatusCopy;
import dev.stepwise.kube.Labels;
import dev.stepwise.kube.RunActuator;
import dev.stepwise.kube.RunEvents;
import dev.stepwise.kube.RunObserver;
import dev.stepwise.kube.StepJobBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a Run: pins its revision, observes its Jobs and pods, asks {@link RunPlanner} what to do,
 * does it, and writes status only when it changed. All decisions live in the core.
 */
@ControllerConfiguration(name = "run")
public class RunReconciler implements Reconciler<Run> {
    /** Index of the Job and pod informers: "namespace/run". */
    private static final String BY_RUN = "byRun";
    private final Clock clock;
    private final StepwiseConfig config;

    public RunReconciler(Clock clock, StepwiseConfig config) {
        this.clock = clock;
        this.config = config;
    }

    @Override
    public List<EventSource<?, Run>> prepareEventSources(EventSourceContext<Run> context) {
        var jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, Run.class)
                .withLabelSelector(Labels.SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Run.class))
                .build(), context);
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, Run.class)
                .withLabelSelector(Labels.SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromAnnotation(Labels.RUN_ANNOTATION, null, Run.class))
                .build(), context);
        // a Run's Jobs and pods by index (see Informers.byIndex): keyed like runKey
        jobs.addIndexers(Map.of(BY_RUN, job -> job.getMetadata().getOwnerReferences().stream()
                .filter(o -> "Run".equals(o.getKind()))
                .map(o -> job.getMetadata().getNamespace() + "/" + o.getName()).toList()));
        pods.addIndexers(Map.of(BY_RUN, pod -> {
            var annotations = pod.getMetadata().getAnnotations();
            String run = annotations == null ? null : annotations.get(Labels.RUN_ANNOTATION);
            return run == null ? List.of() : List.of(pod.getMetadata().getNamespace() + "/" + run);
        }));
        // read-only caches: revisions are immutable and InstanceTypes are read when a Job is built
        var revisions = new InformerEventSource<>(InformerEventSourceConfiguration.from(WorkflowRevision.class, Run.class)
                .withSecondaryToPrimaryMapper(r -> Set.of()).build(), context);
        var instanceTypes = new InformerEventSource<>(InformerEventSourceConfiguration.from(InstanceType.class, Run.class)
                .withSecondaryToPrimaryMapper(r -> Set.of()).build(), context);
        return List.of(jobs, pods, revisions, instanceTypes);
    }

    @Override
    public UpdateControl<Run> reconcile(Run run, Context<Run> context) {
        RunStatus status = run.getStatus();
        if (status != null && status.phase != null && status.phase.isFinished()) {
            return UpdateControl.noUpdate();
        }
        Instant now = clock.instant();
        String ns = run.getMetadata().getNamespace();
        var events = new RunEvents(context.getClient());

        WorkflowRevision revision = status == null || status.revision == null ? null
                : revision(context, status.revision, ns).orElse(null);
        Map<String, String> params = status == null ? null : status.params;
        if (revision == null) {
            var workflow = Optional.ofNullable(context.getClient().resources(WorkflowResource.class).inNamespace(ns)
                    .withName(run.getSpec().workflowRef.name).get());
            var pin = status != null && status.revision != null
                    ? new RevisionPinning.Fail("revision '" + status.revision + "' no longer exists")
                    : RevisionPinning.decide(run, workflow, name -> revision(context, name, ns), now, config.workflowWaitTimeout());
            if (pin instanceof RevisionPinning.Fail fail) {
                RunStatus failed = RunOutcome.failBeforeStart(status, run.getMetadata().getGeneration(),
                        run.getSpec().workflowRef.name, fail.message(), now);
                events.record(run, new RunEvent(RunEvent.Type.Warning, RunPhase.Failed.name(), fail.message()), now);
                StatusWriter.write(run, failed, context);
                return UpdateControl.noUpdate();
            }
            if (pin instanceof RevisionPinning.Wait wait) {
                return waiting(run, wait, now, context);
            }
            var pinned = (RevisionPinning.Pinned) pin;
            revision = pinned.revision();
            params = pinned.params();
        }

        String key = ns + "/" + run.getMetadata().getName();
        InformerEventSource<Job, Run> jobSource = Informers.source(context, Job.class);
        List<Job> jobs = new ArrayList<>(Informers.byIndex(context, Job.class, BY_RUN, key));
        if (status != null) {
            // a Job created moments ago is in JOSDK's cache of recent creates before the informer has it
            Set<String> known = new HashSet<>();
            jobs.forEach(j -> known.add(j.getMetadata().getName()));
            status.steps.forEach(s -> s.attempts.stream().filter(a -> !a.isFinished() && a.job != null && !known.contains(a.job))
                    .forEach(a -> jobSource.get(new ResourceID(a.job, ns)).ifPresent(jobs::add)));
        }
        var observed = new RunObserver(context.getClient()).observe(ns, status,
                jobs, Informers.byIndex(context, Pod.class, BY_RUN, key));
        RunPlan plan = RunPlanner.plan(new RunContext(run.getMetadata().getName(), ns, run.getMetadata().getGeneration(),
                revision.getSpec().workflow, revision.getMetadata().getName(), revision.getSpec().template, params,
                run.getSpec().cancelRequested(), status, observed, instanceTypes(context), now, config.logTailBytes()));

        boolean again = new RunActuator(context.getClient(), new StepJobBuilder(config.gitImage()))
                .act(run, plan, now, job -> jobSource.handleRecentResourceCreate(ResourceID.fromResource(job), job));

        // a Job the API server refused changed the plan's status after planning
        if (plan.statusChanged() || again) {
            StatusWriter.write(run, plan.status(), context);
        }
        Duration requeue = again ? Duration.ofSeconds(1) : plan.requeueAfter();
        UpdateControl<Run> control = UpdateControl.noUpdate();
        return requeue == null ? control : control.rescheduleAfter(requeue);
    }

    /** A Run whose Workflow is not ready yet stays Pending and looks again shortly. */
    private UpdateControl<Run> waiting(Run run, RevisionPinning.Wait wait, Instant now, Context<Run> context) {
        RunStatus s = StatusCopy.of(run.getStatus());
        s.phase = RunPhase.Pending;
        s.workflow = run.getSpec().workflowRef.name;
        s.message = wait.message();
        s.observedGeneration = run.getMetadata().getGeneration();
        s.conditions = Conditions.apply(s.conditions, RunConditions.forPhase(RunPhase.Pending, wait.message()),
                List.of(), run.getMetadata().getGeneration(), now);
        if (!StatusCopy.same(run.getStatus(), s)) {
            StatusWriter.write(run, s, context);
        }
        return UpdateControl.<Run>noUpdate().rescheduleAfter(wait.retryAfter());
    }

    private static Optional<WorkflowRevision> revision(Context<Run> context, String name, String ns) {
        Optional<WorkflowRevision> cached = Informers.get(context, WorkflowRevision.class, name, ns);
        if (cached.isPresent()) {
            return cached;
        }
        // just published: the cache may lag the API server
        return Optional.ofNullable(context.getClient().resources(WorkflowRevision.class).inNamespace(ns).withName(name).get());
    }

    private static Map<String, InstanceTypeSpec> instanceTypes(Context<Run> context) {
        Map<String, InstanceTypeSpec> out = new LinkedHashMap<>();
        for (InstanceType it : Informers.list(context, InstanceType.class)) {
            if (it.getSpec() != null) {
                out.put(it.getMetadata().getName(), it.getSpec());
            }
        }
        return out;
    }
}
