package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.run.Observed;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the cached Jobs and pods of a Run into what the core decides from. A Job is this Run's only
 * when its controller owner reference carries the Run's UID, and a pod only when its controller is
 * such a Job (by UID): Jobs and pods left by an earlier Run of the same name, or by a Run whose
 * {@code <run>-<step>} happens to read the same, are never taken as this Run's. Reads the log tail of
 * each attempt that just ended, and confirms with the API server that a Job status still waits on is
 * really gone before calling it missing.
 */
public final class RunObserver {
    private final KubernetesClient client;
    private final PodLogs logs;
    private final int logTailBytes;

    public RunObserver(KubernetesClient client, int logTailBytes) {
        this.client = client;
        this.logs = new PodLogs(client);
        this.logTailBytes = logTailBytes;
    }

    /**
     * @param jobs         the Run's Jobs from the cache (by controller UID)
     * @param podsOf       the cached pods whose controller is the Job with this UID
     * @param podsOfJobName the cached pods labelled with this Job name (also of Jobs deleted already)
     * @param failedCreate the latest FailedCreate event message of the Job with this UID, or null
     * @param stored       reads the Run's stored sensitive outputs (only when the core asks)
     */
    public Observed observe(Run run, Collection<Job> jobs, Function<String, Collection<Pod>> podsOf,
                            Function<String, Collection<Pod>> podsOfJobName, Function<String, String> failedCreate,
                            java.util.function.Supplier<Map<String, Map<String, String>>> stored) {
        String ns = run.getMetadata().getNamespace();
        String uid = run.getMetadata().getUid();
        RunStatus status = run.getStatus();
        Map<String, Attempt> open = new HashMap<>();
        Set<String> recorded = new HashSet<>();
        Set<String> finishedJobs = new HashSet<>();
        if (status != null) {
            status.steps.forEach(s -> s.attempts.forEach(a -> {
                if (a.job == null) {
                    return;
                }
                if (a.isFinished()) {
                    recorded.add(a.job);
                    finishedJobs.add(a.job);
                } else {
                    open.put(a.job, a);
                }
            }));
        }
        Map<String, ObservedJob> observed = new LinkedHashMap<>();
        for (Job job : jobs) {
            if (uid.equals(Labels.controllerUid(job))) {
                observed.put(job.getMetadata().getName(), observeOne(ns, job, podsOf, failedCreate, recorded));
            }
        }
        for (Attempt a : open.values()) {
            if (!observed.containsKey(a.job)) {
                // not in the cache: new (the cache lags a create) or deleted; only the API server knows
                Job live = client.batch().v1().jobs().inNamespace(ns).withName(a.job).get();
                observed.put(a.job, live != null && uid.equals(Labels.controllerUid(live))
                        ? observeOne(ns, live, podsOf, failedCreate, recorded)
                        : ObservedJob.missing(a.job, stepOf(status, a), a.number));
            }
        }
        Set<String> live = new HashSet<>();
        for (String job : finishedJobs) {
            if (podsOfJobName.apply(job).stream().anyMatch(JobObserver::isLive)) {
                live.add(job);
            }
        }
        return new Observed(observed, live, stored);
    }

    /** Reads the log tail once: when the attempt has ended and status has not recorded that yet. */
    private ObservedJob observeOne(String ns, Job job, Function<String, Collection<Pod>> podsOf,
                                   Function<String, String> failedCreate, Set<String> recorded) {
        Pod pod = podsOf.apply(job.getMetadata().getUid()).stream()
                .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp()))
                .orElse(null);
        String refused = pod == null ? failedCreate.apply(job.getMetadata().getUid()) : null;
        ObservedJob seen = JobObserver.observe(job, pod, refused, null);
        if (seen.isFinished() && !recorded.contains(job.getMetadata().getName()) && pod != null) {
            return JobObserver.observe(job, pod, refused, logs.tail(ns, pod.getMetadata().getName(), logTailBytes));
        }
        return seen;
    }

    private static String stepOf(RunStatus status, Attempt a) {
        return status.steps.stream().filter(s -> s.attempts.contains(a)).findFirst().map(s -> s.name).orElse(null);
    }
}
