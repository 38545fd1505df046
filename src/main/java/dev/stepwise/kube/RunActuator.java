package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.core.JobToCreate;
import dev.stepwise.core.RunEvent;
import dev.stepwise.core.RunPlan;
import dev.stepwise.core.StatusBudget;
import dev.stepwise.core.Times;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Carries out a plan's API calls: delete Jobs, create Jobs (adopting ones that exist), record events. */
public final class RunActuator {
    private static final Logger LOG = Logger.getLogger(RunActuator.class);
    /** Job creates of one reconcile run concurrently, at most this many at a time across all Runs. */
    static final int CREATE_CONCURRENCY = 32;
    private static final ExecutorService CREATES = Executors.newFixedThreadPool(CREATE_CONCURRENCY, r -> {
        Thread t = new Thread(r, "stepwise-job-create");
        t.setDaemon(true);
        return t;
    });
    private final KubernetesClient client;
    private final StepJobBuilder jobs;
    private final RunEvents events;

    public RunActuator(KubernetesClient client, StepJobBuilder jobs) {
        this.client = client;
        this.jobs = jobs;
        this.events = new RunEvents(client);
    }

    /**
     * @param created told of each Job this call created, so the informer cache knows it at once
     * @return true when an attempt failed here (its Job was refused), so the Run needs another look
     */
    public boolean act(Run run, RunPlan plan, Instant now, Consumer<Job> created) {
        boolean refused = false;
        String ns = run.getMetadata().getNamespace();
        for (String name : plan.delete()) {
            client.batch().v1().jobs().inNamespace(ns).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        }
        // all at once: a step that fans out to 200 children must not create their Jobs one by one
        List<JobToCreate> requests = plan.create();
        List<CompletableFuture<Job>> calls = new ArrayList<>();
        for (JobToCreate req : requests) {
            Job job = jobs.build(run, plan.status().workflow, req);
            calls.add(create(job, requests.size() == 1));
        }
        RuntimeException unexpected = null;
        for (int i = 0; i < requests.size(); i++) {
            JobToCreate req = requests.get(i);
            try {
                created.accept(calls.get(i).join());
            } catch (CompletionException ce) {
                if (!(ce.getCause() instanceof KubernetesClientException e)) {
                    unexpected = unexpected != null ? unexpected
                            : ce.getCause() instanceof RuntimeException re ? re : ce;
                } else if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                    LOG.debugf("job %s/%s exists: adopted", ns, req.name());
                } else if (e.getCode() == 400 || e.getCode() == 422) {
                    // the API server refuses this Job as built (a bad quantity, say): the attempt fails with why
                    failAttempt(plan.status(), req.name(), e, now);
                    refused = true;
                } else {
                    unexpected = unexpected != null ? unexpected : e;
                }
            }
        }
        if (unexpected != null) {
            throw unexpected;
        }
        for (RunEvent event : plan.events()) {
            events.record(run, event, now);
        }
        return refused;
    }

    private CompletableFuture<Job> create(Job job, boolean here) {
        if (!here) {
            return CompletableFuture.supplyAsync(() -> dev.stepwise.metrics.JobCreateTimer.time(() -> client.resource(job).create()), CREATES);
        }
        try {
            return CompletableFuture.completedFuture(dev.stepwise.metrics.JobCreateTimer.time(() -> client.resource(job).create()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void failAttempt(RunStatus status, String jobName, KubernetesClientException e, Instant now) {
        for (var step : status.steps) {
            for (Attempt a : step.attempts) {
                if (jobName.equals(a.job)) {
                    a.finishedAt = Times.format(now);
                    a.reason = "InvalidJob";
                    a.message = StatusBudget.truncate(e.getStatus() != null && e.getStatus().getMessage() != null
                            ? e.getStatus().getMessage() : e.getMessage(), StatusBudget.MESSAGE_BYTES);
                }
            }
        }
    }
}
