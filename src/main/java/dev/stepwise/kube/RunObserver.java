package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.core.ObservedJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the cached Jobs and pods of a Run into {@link ObservedJob}s: reads the log tail of each
 * attempt that just ended, and confirms with the API server that a Job status still waits on is
 * really gone before calling it missing.
 */
public final class RunObserver {
    private final KubernetesClient client;
    private final PodLogs logs;

    public RunObserver(KubernetesClient client) {
        this.client = client;
        this.logs = new PodLogs(client);
    }

    public Map<String, ObservedJob> observe(String namespace, RunStatus status, Collection<Job> jobs, Collection<Pod> pods) {
        Map<String, Attempt> open = new HashMap<>();
        Set<String> recorded = new HashSet<>();
        if (status != null) {
            status.steps.forEach(s -> s.attempts.forEach(a -> {
                if (a.isFinished()) {
                    recorded.add(a.job);
                } else {
                    open.put(a.job, a);
                }
            }));
        }
        Map<String, Pod> podByJob = new HashMap<>();
        pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
                .forEach(p -> {
                    String job = p.getMetadata().getLabels().get(Labels.JOB_NAME);
                    if (job != null) {
                        podByJob.put(job, p);
                    }
                });
        Map<String, ObservedJob> observed = new LinkedHashMap<>();
        for (Job job : jobs) {
            observed.put(job.getMetadata().getName(), observeOne(namespace, job, podByJob.get(job.getMetadata().getName()), recorded));
        }
        for (Attempt a : open.values()) {
            if (!observed.containsKey(a.job)) {
                // not in the cache: new (the cache lags a create) or deleted; only the API server knows
                Job live = client.batch().v1().jobs().inNamespace(namespace).withName(a.job).get();
                observed.put(a.job, live != null
                        ? observeOne(namespace, live, podByJob.get(a.job), recorded)
                        : ObservedJob.missing(a.job, stepOf(status, a), a.number));
            }
        }
        return observed;
    }

    /** Reads the log tail once: when the attempt has ended and status has not recorded that yet. */
    private ObservedJob observeOne(String namespace, Job job, Pod pod, Set<String> recorded) {
        ObservedJob seen = JobObserver.observe(job, pod, null);
        if (seen.isFinished() && !recorded.contains(job.getMetadata().getName()) && pod != null) {
            return JobObserver.observe(job, pod, logs.tail(namespace, pod.getMetadata().getName()));
        }
        return seen;
    }

    private static String stepOf(RunStatus status, Attempt a) {
        return status.steps.stream().filter(s -> s.attempts.contains(a)).findFirst().map(s -> s.name).orElse(null);
    }
}
