package dev.stepwise.kube;

import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.time.Times;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reduces a Job and its pod to an {@link ObservedJob}: the mapping from what Kubernetes reports to
 * what an attempt is (see JobObserverTest for the whole table). The pod is read first: its terminal
 * state is known before the Job controller marks the Job finished, which is what makes hand-offs fast.
 *
 * <ul>
 *   <li>Succeeded: the step container exited 0 (even in a pod evicted or deleted as it finished, which the
 *       Job counts failed: retrying would run the step twice), the pod phase, or the Job's Complete /
 *       SuccessCriteriaMet condition.</li>
 *   <li>Failed: the pod phase, or the Job's Failed / FailureTarget condition. DeadlineExceeded is the
 *       Job's; CloneFailed the clone init container's, with git's last words; otherwise the container's
 *       reason and exit code.</li>
 *   <li>Disrupted (a free retry): the pod's DisruptionTarget condition (Eviction API, preemption,
 *       taint manager, pod GC of a lost node, kubelet node-pressure eviction), except an eviction
 *       for exceeding the pod's own ephemeral-storage limits, which is the step's failure.</li>
 *   <li>A pod gone before it ended, with no disruption seen: PodDeleted, a failure. A pod still being
 *       deleted whose container has not ended is not decided yet (Terminating), whatever the Job says.</li>
 *   <li>Pending: why the pod does not run (Unschedulable, ErrImagePull, CreateContainerConfigError,
 *       ...), or why the Job controller cannot create it (its FailedCreate event: Pod Security,
 *       quota on pods, a missing ServiceAccount).</li>
 * </ul>
 */
public final class JobObserver {
    /** Pending reasons not worth a status write: every pod passes through them. */
    private static final Set<String> ROUTINE_WAITING = Set.of("ContainerCreating", "PodInitializing");
    /** What the kubelet says when it evicts a pod for exceeding its own storage limits (not a disruption). */
    private static final Pattern OWN_LIMIT_EXCEEDED = Pattern.compile("(?i)exceed");

    private JobObserver() {
    }

    /**
     * @param pod         the attempt's pod (the newest, if several), or null when none is known
     * @param failedCreate the message of the Job's latest FailedCreate event, or null
     */
    public static ObservedJob observe(Job job, Pod pod, String failedCreate, String logs) {
        String step = job.getMetadata().getLabels().get(Labels.STEP);
        int attempt = Integer.parseInt(job.getMetadata().getLabels().getOrDefault(Labels.ATTEMPT, "1"));
        String name = job.getMetadata().getName();
        Instant created = Times.parse(job.getMetadata().getCreationTimestamp());
        String podName = pod == null ? null : pod.getMetadata().getName();
        Instant podCreated = pod == null ? null : Times.parse(pod.getMetadata().getCreationTimestamp());
        ContainerStatus main = pod == null ? null : container(pod.getStatus().getContainerStatuses(), StepJobBuilder.CONTAINER);
        Instant containerStarted = startedAt(main);
        ContainerStateTerminated term = terminated(main);
        String podPhase = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
        PodCondition disruption = pod == null ? null : trueCondition(pod.getStatus().getConditions(), "DisruptionTarget");
        boolean ownLimit = pod != null && "Evicted".equals(pod.getStatus().getReason())
                && pod.getStatus().getMessage() != null && OWN_LIMIT_EXCEEDED.matcher(pod.getStatus().getMessage()).find();
        boolean disrupted = !ownLimit && (disruption != null || (pod != null && "Evicted".equals(pod.getStatus().getReason())));

        // The step's own word first: a container that exited 0 did its work, even when the pod was
        // evicted or deleted as it finished and the Job counts that pod failed. Retrying would run it twice.
        boolean exitedZero = term != null && term.getExitCode() != null && term.getExitCode() == 0;
        if (exitedZero || "Succeeded".equals(podPhase) || jobCondition(job, "Complete").isPresent()
                || jobCondition(job, "SuccessCriteriaMet").isPresent()) {
            return new ObservedJob(name, step, attempt, created, ObservedJob.State.SUCCEEDED,
                    podName, podCreated, containerStarted, true, finishedAt(term, job), term == null ? 0 : term.getExitCode(), "Completed", null,
                    term == null ? null : term.getMessage(), false, logs);
        }
        Optional<JobCondition> jobFailed = jobCondition(job, "Failed").or(() -> jobCondition(job, "FailureTarget"))
                .or(() -> countedFailed(job));
        // The Job controller counts a pod failed as soon as it is being deleted; its container may still
        // exit 0. Until the pod has ended (or is gone) the attempt's outcome is not known yet.
        boolean stillEnding = pod != null && pod.getMetadata().getDeletionTimestamp() != null && term == null
                && !"Failed".equals(podPhase) && jobFailed.filter(c -> "DeadlineExceeded".equals(c.getReason())).isEmpty();
        if (!stillEnding && ("Failed".equals(podPhase) || jobFailed.isPresent())) {
            String reason;
            String message;
            Integer exitCode = term == null ? null : term.getExitCode();
            ContainerStateTerminated clone = pod == null ? null : terminated(container(pod.getStatus().getInitContainerStatuses(), StepJobBuilder.CLONE_CONTAINER));
            if (jobFailed.isPresent() && "DeadlineExceeded".equals(jobFailed.get().getReason())) {
                reason = "DeadlineExceeded";
                message = jobFailed.get().getMessage();
                disrupted = false;
            } else if (clone != null && clone.getExitCode() != null && clone.getExitCode() != 0) {
                reason = "CloneFailed";
                exitCode = clone.getExitCode();
                message = cloneFailure(clone);
            } else if (disrupted && disruption != null) {
                reason = disruption.getReason() == null ? "DisruptionTarget" : disruption.getReason();
                message = disruption.getMessage();
            } else if (pod != null && pod.getStatus().getReason() != null) {
                reason = pod.getStatus().getReason();
                message = pod.getStatus().getMessage();
            } else if (term != null) {
                reason = term.getReason() == null ? "Error" : term.getReason();
                message = null;
            } else if (pod == null) {
                reason = "PodDeleted";
                message = "the pod was deleted before it finished";
            } else {
                reason = jobFailed.map(JobCondition::getReason).orElse("Error");
                message = jobFailed.map(JobCondition::getMessage).orElse(null);
            }
            return new ObservedJob(name, step, attempt, created, ObservedJob.State.FAILED,
                    podName, podCreated, containerStarted, true, finishedAt(term, job), exitCode, reason, message,
                    term == null ? null : term.getMessage(), disrupted, logs);
        }
        boolean started = main != null && main.getState() != null
                && (main.getState().getRunning() != null || main.getState().getTerminated() != null);
        String reason = null;
        String message = null;
        if (disrupted && disruption != null) {
            // being evicted or preempted: the pod still terminates; the attempt is lost unless its container exits 0
            reason = disruption.getReason() == null ? "DisruptionTarget" : disruption.getReason();
            message = disruption.getMessage();
        } else if (stillEnding) {
            reason = "Terminating";
            message = "the pod is being deleted; waiting for its container to end";
        } else if (pod == null && failedCreate != null) {
            reason = "FailedCreate";
            message = failedCreate;
        } else if (!started && pod != null) {
            PodCondition scheduled = condition(pod.getStatus().getConditions(), "PodScheduled");
            ContainerStateWaiting waiting = waitingOf(pod);
            if (scheduled != null && "False".equals(scheduled.getStatus())) {
                reason = scheduled.getReason();
                message = scheduled.getMessage();
            } else if (waiting != null && !ROUTINE_WAITING.contains(waiting.getReason())) {
                reason = waiting.getReason();
                message = waiting.getMessage();
            }
        }
        return new ObservedJob(name, step, attempt, created, ObservedJob.State.ACTIVE,
                podName, podCreated, containerStarted, started, null, null, reason, message, null, disrupted, null);
    }

    /** When the step's container started (running, or ended after running), or null. */
    private static Instant startedAt(ContainerStatus main) {
        if (main == null || main.getState() == null) {
            return null;
        }
        if (main.getState().getRunning() != null) {
            return Times.parse(main.getState().getRunning().getStartedAt());
        }
        return main.getState().getTerminated() == null ? null : Times.parse(main.getState().getTerminated().getStartedAt());
    }

    /** Longest part of a failed clone's own message kept in the attempt's message. */
    static final int CLONE_MESSAGE_CHARS = 400;

    /**
     * What a failed clone says: its exit code and the end of its termination message (the clone container's
     * last log lines, FallbackToLogsOnError: git's error, e.g. "fatal: Authentication failed for '...'").
     */
    static String cloneFailure(ContainerStateTerminated clone) {
        StringBuilder sb = new StringBuilder("cloning the repository failed");
        if (clone.getReason() != null && !"Error".equals(clone.getReason())) {
            sb.append(" (").append(clone.getReason()).append(')');
        }
        sb.append(": exit code ").append(clone.getExitCode());
        String said = clone.getMessage() == null ? "" : oneLine(clone.getMessage().strip());
        if (!said.isEmpty()) {
            if (said.length() > CLONE_MESSAGE_CHARS) {
                said = "..." + said.substring(said.length() - CLONE_MESSAGE_CHARS);
            }
            sb.append(": ").append(said);
        }
        return sb.toString();
    }

    /**
     * Each run of whitespace that holds a line break becomes "; ", as {@code replaceAll("\\s*\\n\\s*", "; ")}
     * did, in one pass: that regex went over a run of spaces once from each of its characters (4 KiB of them,
     * which a termination message may hold, took 0.1 s).
     */
    static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int run = i;
            boolean newline = false;
            while (i < text.length() && " \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
                newline |= text.charAt(i) == '\n';
                i++;
            }
            if (newline) {
                sb.append("; ");
            } else {
                sb.append(text, run, i);
            }
            if (i < text.length()) {
                sb.append(text.charAt(i++));
            }
        }
        return sb.toString();
    }

    /** Whether a pod still runs or may still start containers (a step never has two at once). */
    public static boolean isLive(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    private static ContainerStateWaiting waitingOf(Pod pod) {
        for (List<ContainerStatus> list : List.of(nonNull(pod.getStatus().getInitContainerStatuses()),
                nonNull(pod.getStatus().getContainerStatuses()))) {
            for (ContainerStatus cs : list) {
                if (cs.getState() != null && cs.getState().getWaiting() != null) {
                    return cs.getState().getWaiting();
                }
            }
        }
        return null;
    }

    private static Instant finishedAt(ContainerStateTerminated term, Job job) {
        if (term != null && term.getFinishedAt() != null) {
            return Times.parse(term.getFinishedAt());
        }
        return job.getStatus() == null ? null : Times.parse(job.getStatus().getCompletionTime());
    }

    /**
     * The Job has counted more failed pods than its backoffLimit allows and runs none, but carries no
     * Failed condition yet: a Job controller that lost an update (seen after an API server restart)
     * can leave it so for minutes. The count is the Job controller's own verdict; waiting for the
     * condition would hold the Run.
     */
    private static Optional<JobCondition> countedFailed(Job job) {
        var st = job.getStatus();
        if (st == null || st.getFailed() == null || job.getSpec() == null) {
            return Optional.empty();
        }
        int limit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
        boolean idle = (st.getActive() == null || st.getActive() == 0) && (st.getTerminating() == null || st.getTerminating() == 0);
        if (st.getFailed() <= limit || !idle) {
            return Optional.empty();
        }
        JobCondition c = new JobCondition();
        c.setType("Failed");
        c.setStatus("True");
        c.setReason("BackoffLimitExceeded");
        c.setMessage("the Job counts " + st.getFailed() + " failed pod(s) and runs none");
        return Optional.of(c);
    }

    private static Optional<JobCondition> jobCondition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static ContainerStatus container(List<ContainerStatus> statuses, String name) {
        return nonNull(statuses).stream().filter(c -> name.equals(c.getName())).findFirst().orElse(null);
    }

    private static ContainerStateTerminated terminated(ContainerStatus cs) {
        return cs == null || cs.getState() == null ? null : cs.getState().getTerminated();
    }

    private static PodCondition condition(List<PodCondition> conditions, String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private static PodCondition trueCondition(List<PodCondition> conditions, String type) {
        PodCondition c = condition(conditions, type);
        return c != null && "True".equals(c.getStatus()) ? c : null;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
