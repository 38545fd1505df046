package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.ApiGroup;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.run.ActionResults;
import dev.stepwise.core.run.steps.CreateResult;
import dev.stepwise.core.Names;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.run.RunPlan;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Carries out a plan's API calls: stores sensitive outputs, deletes Jobs, creates Jobs. What went
 * wrong is returned, not written anywhere: the core decides what the Run's status says about it.
 * A Job create that finds the name taken adopts the Job only when this Run (by UID) is its
 * controller; otherwise it waits for a Job being deleted (an earlier Run of the same name), takes
 * a name qualified by the Run's UID when another live Run holds the plain one, and fails the
 * attempt naming the owner in any other case.
 */
public final class RunActuator {
    /** Job creates of one reconcile run concurrently, at most this many at a time across all Runs. */
    static final int CREATE_CONCURRENCY = 32;
    private static final ExecutorService CREATES = Executors.newFixedThreadPool(CREATE_CONCURRENCY, r -> {
        Thread t = new Thread(r, "stepwise-job-create");
        t.setDaemon(true);
        return t;
    });
    private final KubernetesClient client;
    private final StepJobBuilder jobs;
    private final SensitiveOutputs outputs;

    public RunActuator(KubernetesClient client, StepJobBuilder jobs, SensitiveOutputs outputs) {
        this.client = client;
        this.jobs = jobs;
        this.outputs = outputs;
    }

    /**
     * @param created told of each Job this call created, so the informer cache knows it at once
     * @return what did not go as planned (empty when everything did)
     */
    public ActionResults act(Run run, RunPlan plan, Consumer<Job> created) {
        String storeFailure = null;
        if (!plan.storeOutputs().isEmpty()) {
            try {
                outputs.write(run, plan.storeOutputs());
            } catch (RuntimeException e) {
                ApiErrors.Failure f = ApiErrors.of(e);
                storeFailure = f.reason() + ": " + f.message();
            }
        }
        String ns = run.getMetadata().getNamespace();
        for (String name : plan.delete()) {
            // a Job already gone is fine; any other failure is retried with the whole reconcile
            client.batch().v1().jobs().inNamespace(ns).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        }
        // all at once: a step that fans out to 200 children must not create their Jobs one by one
        List<JobToCreate> requests = plan.create();
        List<CompletableFuture<CreateResult>> calls = new ArrayList<>();
        for (JobToCreate req : requests) {
            calls.add(requests.size() == 1 ? CompletableFuture.completedFuture(create(run, plan, req, created))
                    : CompletableFuture.supplyAsync(() -> create(run, plan, req, created), CREATES));
        }
        Map<String, CreateResult> results = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            CreateResult r = calls.get(i).join();
            String asked = requests.get(i).name();
            if (r.kind() != CreateResult.Kind.CREATED || !asked.equals(r.job())) {
                results.put(asked, r);
            }
        }
        return new ActionResults(results, storeFailure);
    }

    private CreateResult create(Run run, RunPlan plan, JobToCreate req, Consumer<Job> created) {
        CreateResult r = tryCreate(run, plan, req, created);
        if (r.kind() == CreateResult.Kind.FAILED && "JobNameTaken".equals(r.reason())) {
            // another live Run holds the plain name: this Run's own, collision-free name
            String alt = Names.qualifiedJob(run.getMetadata().getName(), run.getMetadata().getUid(), req.stepName(), req.attempt());
            CreateResult second = tryCreate(run, plan, req.named(alt), created);
            return "JobNameTaken".equals(second.reason())
                    ? CreateResult.failed(alt, "JobConflict", second.message()) : second;
        }
        return r;
    }

    private CreateResult tryCreate(Run run, RunPlan plan, JobToCreate req, Consumer<Job> created) {
        Job job = jobs.build(run, plan.status().workflow, req);
        try {
            created.accept(dev.stepwise.metrics.JobCreateTimer.time(() -> client.resource(job).create()));
            return CreateResult.created(req.name());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return taken(run, req.name());
            }
            ApiErrors.Failure f = ApiErrors.of(e);
            if (f.retriable()) {
                return CreateResult.waiting(req.name(), f.reason(), f.message());
            }
            return CreateResult.failed(req.name(), f.code() == 400 || f.code() == 422 ? "InvalidJob" : f.reason(), f.message());
        } catch (RuntimeException e) {
            ApiErrors.Failure f = ApiErrors.of(e);
            return CreateResult.waiting(req.name(), f.reason(), f.message());
        }
    }

    /** The name exists: whose Job is it? */
    private CreateResult taken(Run run, String name) {
        Job existing;
        try {
            existing = client.batch().v1().jobs().inNamespace(run.getMetadata().getNamespace()).withName(name).get();
        } catch (RuntimeException e) {
            ApiErrors.Failure f = ApiErrors.of(e);
            return CreateResult.waiting(name, f.reason(), f.message());
        }
        if (existing == null) {
            return CreateResult.waiting(name, "AlreadyExists", "a Job named " + name + " was being deleted; creating it again");
        }
        OwnerReference owner = Labels.controller(existing);
        if (owner != null && run.getMetadata().getUid().equals(owner.getUid())) {
            return CreateResult.created(name);
        }
        String whose = owner == null ? "no controller" : owner.getKind() + " " + owner.getName() + " (uid " + owner.getUid() + ")";
        if (existing.getMetadata().getDeletionTimestamp() != null) {
            return CreateResult.waiting(name, "AlreadyExists", "Job " + name + " of " + whose
                    + " is being deleted; this Run creates its own when it is gone");
        }
        boolean ownerIsRun = owner != null && "Run".equals(owner.getKind()) && owner.getApiVersion() != null
                && owner.getApiVersion().startsWith(ApiGroup.GROUP + "/");
        if (ownerIsRun && owner.getName().equals(run.getMetadata().getName())) {
            // A Run deleted and created again under its name: its old Jobs are orphans (names are unique, so
            // that Run is gone). The garbage collector removes them, but can lag for long (it missed the
            // deletion while the CRD was re-created); the operator removes its own orphan now.
            String why = "Job " + name + " belongs to an earlier Run named " + owner.getName() + " (uid " + owner.getUid()
                    + ") that no longer exists";
            try {
                // only this Run makes Jobs of this name now, so the one just read is the one deleted
                client.batch().v1().jobs().inNamespace(run.getMetadata().getNamespace()).withName(name)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                return CreateResult.waiting(name, "AlreadyExists", why + ": deleted it; this Run creates its own when it is gone");
            } catch (RuntimeException e) {
                ApiErrors.Failure f = ApiErrors.of(e);
                return CreateResult.waiting(name, "AlreadyExists", why + "; deleting it failed (" + f.reason() + ": "
                        + f.message() + "), the garbage collector will");
            }
        }
        if (ownerIsRun) {
            return CreateResult.failed(name, "JobNameTaken", "Job " + name + " belongs to " + whose);
        }
        return CreateResult.failed(name, "JobConflict", "a Job named " + name + " already exists and belongs to " + whose
                + ", not to this Run");
    }
}
