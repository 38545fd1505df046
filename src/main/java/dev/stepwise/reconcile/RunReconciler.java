package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.run.ActionResults;
import dev.stepwise.core.run.Observed;
import dev.stepwise.core.start.OtherRuns;
import dev.stepwise.core.run.RunEvent;
import dev.stepwise.core.run.RunFacts;
import dev.stepwise.core.run.RunLifecycle;
import dev.stepwise.core.run.RunPlan;
import dev.stepwise.core.workflow.LastRun;
import dev.stepwise.core.workflow.RevisionHolds;
import dev.stepwise.kube.ApiErrors;
import dev.stepwise.kube.RunActuator;
import dev.stepwise.kube.RevisionOwners;
import dev.stepwise.kube.RunEvents;
import dev.stepwise.kube.RunObserver;
import dev.stepwise.kube.RunPatches;
import dev.stepwise.kube.SensitiveOutputs;
import dev.stepwise.kube.StepJobBuilder;
import dev.stepwise.kube.notify.Notifier;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import org.jboss.logging.Logger;

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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs a Run: reads what it needs, asks the core ({@link RunLifecycle}) what the Run's status is and
 * what to do, does it, lets the core look again at whatever went wrong while doing it, writes status
 * once and records the events. All decisions live in the core. An exception (the API server down,
 * a status write refused) is retried with backoff forever, and each one is told on the Run as an
 * Event: no path loses the Run's next look.
 */
@ControllerConfiguration(name = "run", informer = @Informer(itemStore = TrimmedRunStore.class))
@GradualRetry(maxAttempts = -1, initialInterval = 1000, intervalMultiplier = 2, maxInterval = 120_000)
public class RunReconciler implements Reconciler<Run> {
    private static final Logger LOG = Logger.getLogger(RunReconciler.class);
    private static final Duration FORGET_EVERY = Duration.ofMinutes(5);
    private final Clock clock;
    private final StepwiseConfig config;
    /** Remembers what it stored per Run, so it is made once, with the first event sources. */
    private SensitiveOutputs sensitive;

    private final RunWakeups wakeups;
    private final WorkflowWakeups workflowWakeups;
    private final RunIndex runIndex;
    private final WorkflowIndex workflows;
    private final AdmissionLedger ledger;
    private final Notifier notifier;
    /** When the notifier next forgets the Runs that are gone (JOSDK tells this controller of no deletion). */
    private volatile Instant nextForget = Instant.EPOCH;

    public RunReconciler(Clock clock, StepwiseConfig config, RunWakeups wakeups, AdmissionLedger ledger,
                         WorkflowWakeups workflowWakeups, RunIndex runIndex, WorkflowIndex workflows, Notifier notifier) {
        this.clock = clock;
        this.config = config;
        this.wakeups = wakeups;
        this.workflowWakeups = workflowWakeups;
        this.runIndex = runIndex;
        this.workflows = workflows;
        this.ledger = ledger;
        this.notifier = notifier;
    }

    @Override
    public List<EventSource<?, Run>> prepareEventSources(EventSourceContext<Run> context) {
        sensitive = new SensitiveOutputs(context.getClient());
        runIndex.attach(context.getPrimaryCache());
        List<EventSource<?, Run>> sources = new ArrayList<>(RunEventSources.create(context));
        sources.add(wakeups);
        return sources;
    }

    @Override
    public UpdateControl<Run> reconcile(Run run, Context<Run> context) {
        if (dev.stepwise.core.start.Admission.started(run) || dev.stepwise.core.start.Admission.finished(run)) {
            return reconcileRun(run, context, Optional::empty, null).control();
        }
        // not started: its Workflow, for pinning and admission, from the Workflow controller's cache
        String ns = run.getMetadata().getNamespace();
        String name = run.getSpec().workflowRef.name;
        Optional<WorkflowResource> wf = workflows.get(ns, name).or(() -> Optional.ofNullable(
                // applied in the same breath as the Run: the cache may not have it yet
                context.getClient().resources(WorkflowResource.class).inNamespace(ns).withName(name).get()));
        boolean limited = wf.isPresent() && dev.stepwise.core.start.Admission.limits(wf.get().getSpec());
        return reconcileRun(run, context, () -> wf, limited ? AdmissionLedger.key(ns, name) : null).control();
    }

    private record Reconciled(UpdateControl<Run> control, RunStatus status) {
    }

    /**
     * @param workflow     the Run's Workflow, read only while the Run has not started
     * @param admissionKey the workflow's key in the ledger when its Runs are limited (else null):
     *                     admission is decided one Run at a time under its lock, and only the
     *                     decision is; the Jobs are created after the lock is let go
     */
    private Reconciled reconcileRun(Run run, Context<Run> context, Supplier<Optional<WorkflowResource>> workflow, String admissionKey) {
        Instant now = clock.instant();
        String ns = run.getMetadata().getNamespace();
        var client = context.getClient();
        SensitiveOutputs outputs = sensitive;
        boolean finished = dev.stepwise.core.start.Admission.finished(run);
        Observed observed = finished ? Observed.NOTHING : observe(run, context, outputs);
        // one view of the other Runs per reconcile: the decision made again after acting sees the same
        // admission as the first, whatever another reconcile admitted since
        RunFacts facts = new RunFacts(run, workflow, name -> revision(context, name, ns), observed, ActionResults.NONE,
                instanceTypes(context), config.plannerSettings(), now,
                new OneViewOfRuns(otherRuns(context, ns, outputs, ledger, runIndex)), notifier.drain(run.getMetadata().getUid()),
                namespaceLabels(context, ns));

        WorkflowLabel.ensure(client, run);
        RunPlan plan;
        if (admissionKey == null) {
            plan = RunLifecycle.decide(facts);
        } else {
            synchronized (ledger.lock(admissionKey)) {
                plan = RunLifecycle.decide(facts);
                if (plan.status().revision != null) {
                    ledger.admitted(admissionKey, run.getMetadata().getName());
                }
            }
        }
        holdRevision(context, run, plan.status(), finished);
        if (plan.hasActions()) {
            InformerEventSource<Job, Run> jobs = Informers.source(context, Job.class);
            ActionResults results = new RunActuator(client, new StepJobBuilder(config.gitImage()).withFinishedJobTtl(config.finishedJobTtl()), outputs)
                    .act(run, plan, job -> jobs.handleRecentResourceCreate(ResourceID.fromResource(job), job));
            plan.cancelRuns().forEach(name -> RunPatches.cancel(client, ns, name));
            if (!results.isEmpty()) {
                // what the API server refused is the core's to judge, like anything else it observes
                plan = RunLifecycle.decide(facts.withResults(results));
            }
        }
        if (plan.statusChanged()) {
            StatusWriter.write(run, plan.status(), context);
            if (!LastRun.fields(run.getStatus()).equals(LastRun.fields(plan.status()))) {
                wakeWorkflowOf(run);
            }
        }
        RunEvents events = new RunEvents(client);
        for (RunEvent event : plan.events()) {
            events.record(run, event, now);
        }
        ResourceID id = ResourceID.fromResource(run);
        plan.notifications().forEach(n -> notifier.send(client, run, n, () -> wakeups.wake(id)));
        forgetDeletedRuns(context, now);
        if (plan.status().phase != null && plan.status().phase.isFinished()) {
            outputs.forget(run.getMetadata().getUid());
        }
        UpdateControl<Run> control = UpdateControl.noUpdate();
        return new Reconciled(plan.requeueAfter() == null ? control : control.rescheduleAfter(plan.requeueAfter()), plan.status());
    }

    /**
     * An unfinished Run owns the revision it pinned, before the pin is written, so the garbage
     * collector keeps the revision while the Run needs it; a finished Run lets go. A finished Run
     * reads only the cache: if its revision is not there, it is gone or holds nothing of it.
     */
    private static void holdRevision(Context<Run> context, Run run, RunStatus status, boolean finished) {
        if (status.revision == null) {
            return;
        }
        String ns = run.getMetadata().getNamespace();
        Optional<WorkflowRevision> revision = finished
                ? Informers.get(context, WorkflowRevision.class, status.revision, ns)
                : revision(context, status.revision, ns);
        revision.ifPresent(r -> RevisionOwners.hold(context.getClient(), r, run, RevisionHolds.holds(run, status)));
    }

    /** Every few minutes: what the notifier and the outputs store keep of Runs deleted mid-run (never told finished) is dropped. */
    private void forgetDeletedRuns(Context<Run> context, Instant now) {
        if (now.isBefore(nextForget)) {
            return;
        }
        nextForget = now.plus(FORGET_EVERY);
        Set<String> live = context.getPrimaryCache().list().map(r -> r.getMetadata().getUid()).collect(Collectors.toSet());
        notifier.retainOnly(live);
        sensitive.retainOnly(live);
    }

    private void wakeWorkflowOf(Run run) {
        if (run.getSpec() != null && run.getSpec().workflowRef != null) {
            workflowWakeups.wake(new ResourceID(run.getSpec().workflowRef.name, run.getMetadata().getNamespace()));
        }
    }

    /** Told of every failed reconcile before it is retried: the Run's Events say what went wrong. */
    @Override
    public ErrorStatusUpdateControl<Run> updateErrorStatus(Run run, Context<Run> context, Exception e) {
        ApiErrors.Failure f = ApiErrors.of(e);
        LOG.warnf("reconciling Run %s/%s failed (retried with backoff): %s %s", run.getMetadata().getNamespace(),
                run.getMetadata().getName(), f.reason(), f.message());
        new RunEvents(context.getClient()).recordRepeating(run, new RunEvent(RunEvent.Type.Warning, "ReconcileError",
                f.reason() + ": " + f.message() + " (retrying)"), clock.instant());
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    private Observed observe(Run run, Context<Run> context, SensitiveOutputs outputs) {
        String ns = run.getMetadata().getNamespace();
        String uid = run.getMetadata().getUid();
        InformerEventSource<Job, Run> jobSource = Informers.source(context, Job.class);
        List<Job> jobs = new ArrayList<>(Informers.byIndex(context, Job.class, RunEventSources.BY_CONTROLLER, uid));
        RunStatus status = run.getStatus();
        if (status != null) {
            // a Job created moments ago is in JOSDK's cache of recent creates before the informer has it
            Set<String> known = new HashSet<>();
            jobs.forEach(j -> known.add(j.getMetadata().getName()));
            status.steps.forEach(s -> s.attempts.stream().filter(a -> !a.isFinished() && a.job != null && !known.contains(a.job))
                    .forEach(a -> jobSource.get(new ResourceID(a.job, ns)).ifPresent(jobs::add)));
        }
        return new RunObserver(context.getClient(), config.logTailBytes()).observe(run, jobs,
                jobUid -> Informers.byIndex(context, Pod.class, RunEventSources.BY_CONTROLLER, jobUid),
                jobName -> Informers.byIndex(context, Pod.class, RunEventSources.BY_JOB_NAME, ns + "/" + jobName),
                jobUid -> RunEventSources.latestMessage(Informers.byIndex(context, Event.class, RunEventSources.BY_INVOLVED, jobUid)),
                () -> outputs.read(run));
    }

    /** Runs of the namespace from the operator's cache of Runs; stored outputs from their Secrets. */
    private static OtherRuns otherRuns(Context<Run> context, String ns, SensitiveOutputs outputs, AdmissionLedger ledger, RunIndex index) {
        return new OtherRuns() {
            @Override
            public List<Run> ofWorkflow(String workflow) {
                return index.ofWorkflow(ns, workflow);
            }

            @Override
            public Set<String> admitting(String workflow) {
                return ledger.inFlight(AdmissionLedger.key(ns, workflow),
                        name -> context.getPrimaryCache().get(new ResourceID(name, ns)).orElse(null));
            }

            @Override
            public Optional<Run> get(String name) {
                return context.getPrimaryCache().get(new ResourceID(name, ns));
            }

            @Override
            public Map<String, Map<String, String>> storedOutputs(Run other) {
                return outputs.readStored(other);
            }
        };
    }

    private static Optional<WorkflowRevision> revision(Context<Run> context, String name, String ns) {
        Optional<WorkflowRevision> cached = Informers.get(context, WorkflowRevision.class, name, ns);
        if (cached.isPresent()) {
            return cached;
        }
        // just published: the cache may lag the API server
        return Optional.ofNullable(context.getClient().resources(WorkflowRevision.class).inNamespace(ns).withName(name).get());
    }

    /**
     * The labels of the Run's namespace from the informer's cache; read from the API server only when the
     * cache does not have the namespace yet (created a moment ago). None when it cannot be read: an
     * InstanceType with a namespaceSelector is then refused, never granted.
     */
    private static Map<String, String> namespaceLabels(Context<Run> context, String ns) {
        InformerEventSource<Namespace, Run> namespaces = Informers.source(context, Namespace.class);
        // a cluster-scoped kind: looked up by name, else found among the cached (as InstanceTypes are listed)
        Namespace n = namespaces.get(new ResourceID(ns, null))
                .or(() -> namespaces.list(x -> ns.equals(x.getMetadata().getName())).findFirst())
                .orElseGet(() -> {
                    LOG.debugf("namespace %s is not in the cache yet: read from the API server", ns);
                    try {
                        return context.getClient().namespaces().withName(ns).get();
                    } catch (RuntimeException e) {
                        LOG.debugf("reading namespace %s failed: %s", ns, e.getMessage());
                        return null;
                    }
                });
        return n == null || n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
    }

    /**
     * The InstanceTypes from the cache. One a step names that the cache lacks is read from the API
     * server once: the Workflow controller's informer may have seen a new InstanceType before this
     * one did, and a step must not fail for good on that lag.
     */
    private static Map<String, InstanceTypeSpec> instanceTypes(Context<Run> context) {
        Map<String, InstanceTypeSpec> cached = new LinkedHashMap<>();
        for (InstanceType it : Informers.list(context, InstanceType.class)) {
            if (it.getSpec() != null) {
                cached.put(it.getMetadata().getName(), it.getSpec());
            }
        }
        return new LinkedHashMap<>(cached) {
            @Override
            public InstanceTypeSpec get(Object name) {
                InstanceTypeSpec spec = super.get(name);
                if (spec != null || !(name instanceof String n)) {
                    return spec;
                }
                InstanceType live = context.getClient().resources(InstanceType.class).withName(n).get();
                if (live != null && live.getSpec() != null) {
                    put(n, live.getSpec());
                    return live.getSpec();
                }
                return null;
            }
        };
    }
}
