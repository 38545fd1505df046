package dev.stepwise.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The harness's own watches on the scenario's namespace. Every time here is the harness's
 * millisecond clock at the moment its watch delivered the change: when a Job was first seen,
 * first seen finished (condition Complete or Failed True), when its pod was first seen ended,
 * and when each Run was first seen finished.
 */
final class Tracker implements AutoCloseable {
    static final String RUN_LABEL = "stepwise.dev/run";
    static final String STEP_LABEL = "stepwise.dev/step";
    static final String ATTEMPT_LABEL = "stepwise.dev/attempt";
    static final ResourceDefinitionContext RUNS = new ResourceDefinitionContext.Builder()
            .withGroup("stepwise.dev").withVersion("v1alpha1").withKind("Run").withPlural("runs").withNamespaced(true).build();

    static final class JobSeen {
        final String name;
        final String run;
        final String step;
        final int attempt;
        volatile long created = -1;
        volatile long finished = -1;
        volatile boolean failed;
        volatile long podFinished = -1;

        JobSeen(String name, String run, String step, int attempt) {
            this.name = name;
            this.run = run;
            this.step = step;
            this.attempt = attempt;
        }
    }

    final Map<String, JobSeen> jobs = new ConcurrentHashMap<>();
    final Map<String, Long> runFinished = new ConcurrentHashMap<>();
    final Map<String, String> runPhase = new ConcurrentHashMap<>();
    final Map<String, String> runMessage = new ConcurrentHashMap<>();
    /** Pod end times by Job name, for pods seen ended before their Job was seen. */
    private final Map<String, Long> podEnded = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final Consumer<JobSeen> onJobFinished;

    Tracker(KubernetesClient client, String ns, boolean runs, Consumer<JobSeen> onJobFinished) {
        this.onJobFinished = onJobFinished;
        informers.add(client.batch().v1().jobs().inNamespace(ns).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                seeJob(job);
            }

            @Override
            public void onUpdate(Job old, Job job) {
                seeJob(job);
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
            }
        }, 0));
        informers.add(client.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seePod(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                seePod(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
            }
        }, 0));
        if (runs) {
            informers.add(client.genericKubernetesResources(RUNS).inNamespace(ns).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource run) {
                    seeRun(run);
                }

                @Override
                public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource run) {
                    seeRun(run);
                }

                @Override
                public void onDelete(GenericKubernetesResource run, boolean unknown) {
                }
            }, 0));
        }
    }

    private void seeJob(Job job) {
        long now = System.currentTimeMillis();
        var labels = job.getMetadata().getLabels();
        if (labels == null || labels.get(RUN_LABEL) == null) {
            return;
        }
        JobSeen seen = jobs.computeIfAbsent(job.getMetadata().getName(), n -> {
            JobSeen s = new JobSeen(n, labels.get(RUN_LABEL), labels.get(STEP_LABEL),
                    Integer.parseInt(labels.getOrDefault(ATTEMPT_LABEL, "1")));
            s.created = now;
            Long pe = podEnded.get(n);
            if (pe != null) {
                s.podFinished = pe;
            }
            return s;
        });
        if (seen.finished < 0 && job.getStatus() != null && job.getStatus().getConditions() != null) {
            for (JobCondition c : job.getStatus().getConditions()) {
                if ("True".equals(c.getStatus()) && ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))) {
                    seen.failed = "Failed".equals(c.getType());
                    seen.finished = now;
                    if (onJobFinished != null) {
                        onJobFinished.accept(seen);
                    }
                    break;
                }
            }
        }
    }

    private void seePod(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            return;
        }
        var labels = pod.getMetadata().getLabels();
        String job = labels == null ? null : labels.getOrDefault("batch.kubernetes.io/job-name", labels.get("job-name"));
        if (job == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (podEnded.putIfAbsent(job, now) == null) {
            JobSeen seen = jobs.get(job);
            if (seen != null && seen.podFinished < 0) {
                seen.podFinished = now;
            }
        }
    }

    private void seeRun(GenericKubernetesResource run) {
        Object status = run.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s)) {
            return;
        }
        Object phase = s.get("phase");
        if ("Succeeded".equals(phase) || "Failed".equals(phase) || "Cancelled".equals(phase)) {
            String name = run.getMetadata().getName();
            if (runFinished.putIfAbsent(name, System.currentTimeMillis()) == null) {
                runPhase.put(name, (String) phase);
                if (s.get("message") != null) {
                    runMessage.put(name, s.get("message").toString());
                }
            }
        }
    }

    /** When the Job's pod was first seen ended, or -1. */
    long podEndedAt(String job) {
        return podEnded.getOrDefault(job, -1L);
    }

    long jobsFinished() {
        return jobs.values().stream().filter(j -> j.finished >= 0).count();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
