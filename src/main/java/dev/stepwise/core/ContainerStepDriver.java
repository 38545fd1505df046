package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A container step: one Job per attempt. Decides when an attempt's Job is created (and created again
 * after the API server refused it for a while), when a pod that never runs times out, and whether a
 * finished attempt is retried (exit-code policy with backoff; real disruptions free up to a cap), and
 * turns a completed attempt's outputs into the step's, within the Run's budget.
 */
final class ContainerStepDriver implements StepDriver {
    static final ContainerStepDriver INSTANCE = new ContainerStepDriver();
    /** Backoff of creates the API server refused for now: half the time waited so far, within these bounds. */
    static final Duration MIN_CREATE_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_CREATE_BACKOFF = Duration.ofSeconds(60);
    /** Free retries after a disruption wait 5 s, 10 s, 20 s ... at most a minute. */
    static final Duration DISRUPTION_DELAY = Duration.ofSeconds(5);
    static final Duration MAX_DISRUPTION_DELAY = Duration.ofMinutes(1);
    /** How often to look again while a previous attempt's pod terminates (its deletion wakes us sooner). */
    static final Duration POD_GONE_RECHECK = Duration.ofSeconds(10);
    /** How soon to try again when storing sensitive outputs failed. */
    static final Duration STORE_RETRY = Duration.ofSeconds(5);

    @Override
    public void start(PlanState plan, StepStatus st) {
        newAttempt(plan, st, 1);
    }

    @Override
    public void advance(PlanState plan, StepStatus st) {
        if (st.attempts.isEmpty()) {
            newAttempt(plan, st, 1);
            return;
        }
        Attempt last = st.attempts.get(st.attempts.size() - 1);
        if (!last.isFinished()) {
            if (last.job == null) {
                awaitCreate(plan, st, last);
                if (!last.isFinished()) {
                    return;
                }
            } else {
                st.phase = StepPhase.Running;
                st.nextRetryAt = null;
                checkPendingTimeout(plan, st, last);
                if (!last.isFinished()) {
                    return;
                }
            }
        }
        if ("Completed".equals(last.reason)) {
            completed(plan, st, last);
        } else {
            failed(plan, st, last);
        }
    }

    private void newAttempt(PlanState plan, StepStatus st, int number) {
        Attempt a = new Attempt();
        a.number = number;
        a.startedAt = Times.format(plan.now());
        st.attempts.add(a);
        st.phase = StepPhase.Running;
        st.nextRetryAt = null;
        st.message = null;
        requestJob(plan, st, a);
    }

    /** Asks for the attempt's Job, and reads what became of the create when the plan is made again. */
    private void requestJob(PlanState plan, StepStatus st, Attempt a) {
        EffectiveStep settings = plan.effective(st.name);
        InstanceTypeChoice it = InstanceTypeChoice.of(settings.instanceType(), plan.facts.instanceTypes());
        if (it.problem() != null) {
            endAttempt(a, "InstanceTypeNotFound", it.problem(), plan);
            plan.finishStep(st, StepPhase.Failed, it.problem());
            return;
        }
        String name = JobNames.of(plan.facts.runName(), st.name, a.number);
        plan.create.add(new JobToCreate(name, st.name, a.number, StepTemplating.resolve(plan.step(st.name), plan.templates()),
                settings, it.spec(), plan.params, plan.stepEnv(st.name)));
        CreateResult r = plan.facts.results().creates().get(name);
        if (r == null || r.kind() == CreateResult.Kind.CREATED) {
            a.job = r == null ? name : r.job();
            a.reason = null;
            a.message = null;
            st.phase = StepPhase.Running;
            st.nextRetryAt = null;
            st.message = null;
        } else if (r.kind() == CreateResult.Kind.WAIT) {
            a.job = null;
            a.reason = r.reason();
            a.message = trim(r.message());
            Instant retry = plan.now().plus(createBackoff(a, plan.now()));
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = Times.format(retry);
            st.message = StatusBudget.truncate("Job " + name + " not created yet: " + r.message(), StatusBudget.MESSAGE_BYTES);
            plan.wake(retry);
            plan.warn("JobNotCreated", "step " + st.name + " attempt " + a.number + ": " + r.message());
        } else {
            a.job = null;
            endAttempt(a, r.reason(), r.message(), plan);
            plan.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: " + describeFailure(a));
            // whether to retry is decided on the next look: a plan made again after acting never starts new work
            plan.wake(plan.now());
        }
    }

    /** An open attempt whose Job the API server refused: create it again after a backoff, until its pending timeout. */
    private void awaitCreate(PlanState plan, StepStatus st, Attempt a) {
        Duration timeout = pendingTimeout(plan, st);
        Instant deadline = Times.parse(a.startedAt).plus(timeout);
        if (!plan.now().isBefore(deadline)) {
            String why = a.reason == null ? "JobNotCreated" : a.reason;
            endAttempt(a, why, "the Job could not be created within " + GoDuration.format(timeout)
                    + (a.message == null ? "" : ": " + a.message), plan);
            plan.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: " + why + " (pending timeout)");
            return;
        }
        Instant retry = Times.parse(st.nextRetryAt);
        if (retry == null || !plan.now().isBefore(retry)) {
            requestJob(plan, st, a);
        } else {
            st.phase = StepPhase.Waiting;
            plan.wake(retry.isBefore(deadline) ? retry : deadline);
        }
    }

    /** An attempt whose pod has not started by its pending timeout fails with the pod's reason. */
    private void checkPendingTimeout(PlanState plan, StepStatus st, Attempt a) {
        ObservedJob job = plan.facts.observed().jobs().get(a.job);
        if (job == null || job.podStarted() || a.startedAt == null) {
            return;
        }
        Duration timeout = pendingTimeout(plan, st);
        Instant deadline = Times.parse(a.startedAt).plus(timeout);
        if (plan.now().isBefore(deadline)) {
            plan.wake(deadline);
            return;
        }
        plan.delete.add(a.job);
        String why = a.reason == null ? "Pending" : a.reason;
        endAttempt(a, why, "pod not running after " + GoDuration.format(timeout)
                + (a.message == null || a.message.isBlank() ? "" : ": " + a.message), plan);
        plan.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: " + why + " (pending timeout)");
    }

    private static Duration pendingTimeout(PlanState plan, StepStatus st) {
        Duration own = plan.effective(st.name).pendingTimeout();
        return own != null ? own : plan.facts.settings().defaultPendingTimeout();
    }

    private void completed(PlanState plan, StepStatus st, Attempt last) {
        Step step = plan.step(st.name);
        Map<String, String> stored = step.redacted() ? plan.facts.observed().storedOutputs().get(st.name) : null;
        if (stored != null) {
            plan.succeed(st, stored, Outputs.redact(stored));
            return;
        }
        ObservedJob job = last.job == null ? null : plan.facts.observed().jobs().get(last.job);
        Map<String, String> real = Outputs.parse(job == null ? null : job.terminationMessage(), step.outputs).values();
        if (!plan.outputsFit(real)) {
            plan.finishStep(st, StepPhase.Failed, "its outputs (" + StatusBudget.outputBytes(real) + " bytes) would exceed the Run's "
                    + "budget for outputs (" + plan.outputBytes() + " of " + StatusBudget.RUN_OUTPUT_BYTES + " bytes used)");
            return;
        }
        if (step.redacted() && !real.isEmpty()) {
            // kept outside status before the step counts as done, so dependants and retries always find them
            st.phase = StepPhase.Running;
            String failure = plan.facts.results().storeFailure();
            if (failure != null) {
                st.message = StatusBudget.truncate("could not store sensitive outputs: " + failure + " (retrying)",
                        StatusBudget.MESSAGE_BYTES);
                plan.wake(plan.now().plus(STORE_RETRY));
            } else {
                st.message = "storing sensitive outputs";
                plan.store.put(st.name, real);
                plan.wake(plan.now());
            }
            return;
        }
        plan.succeed(st, real, step.redacted() ? Outputs.redact(real) : real);
    }

    private void failed(PlanState plan, StepStatus st, Attempt last) {
        int cap = plan.facts.settings().disruptionRetryLimit();
        int disruptions = (int) st.attempts.stream().filter(Attempt::lostToDisruption).count();
        boolean free = last.lostToDisruption();
        if (free && disruptions > cap) {
            last.disrupted = null;
            last.message = trim((last.message == null ? "" : last.message + "; ")
                    + "disrupted more than " + cap + " times, so this one counts as a failure");
            free = false;
            disruptions--;
        }
        int counted = finishedAttempts(last) - disruptions;
        EffectiveStep settings = plan.effective(st.name);
        Instant at;
        if (free) {
            at = Times.parse(last.finishedAt).plus(disruptionDelay(disruptions));
        } else if (Retries.shouldRetry(settings.retry(), counted, last.exitCode)) {
            at = Times.parse(last.finishedAt).plus(Retries.delayBeforeRetry(settings.retry(), counted));
        } else {
            int n = last.number;
            plan.finishStep(st, StepPhase.Failed, describeFailure(last) + " after " + n + (n == 1 ? " attempt" : " attempts"));
            return;
        }
        if (plan.now().isBefore(at)) {
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = Times.format(at);
            st.message = "retrying after " + describeFailure(last);
            plan.wake(at);
            return;
        }
        if (plan.suspended()) {
            // a retry is a new attempt, and a suspended Run starts none; it goes on at once on resume
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = null;
            st.message = "retry held: the Run is suspended (spec.suspend: true); after " + describeFailure(last);
            return;
        }
        if (last.job != null && plan.facts.observed().jobsWithLivePods().contains(last.job)) {
            // a step never has two pods at once
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = null;
            st.message = "waiting for the pod of attempt " + last.number + " to terminate";
            plan.wake(plan.now().plus(POD_GONE_RECHECK));
            return;
        }
        newAttempt(plan, st, last.number + 1);
    }

    /** Attempts are numbered 1, 2, ... and each starts after the one before ended (status may omit old ones). */
    private static int finishedAttempts(Attempt last) {
        return last.isFinished() ? last.number : last.number - 1;
    }

    static Duration disruptionDelay(int disruptions) {
        Duration d = DISRUPTION_DELAY.multipliedBy(1L << Math.min(Math.max(disruptions - 1, 0), 10));
        return d.compareTo(MAX_DISRUPTION_DELAY) > 0 ? MAX_DISRUPTION_DELAY : d;
    }

    static Duration createBackoff(Attempt a, Instant now) {
        Duration half = Duration.between(Times.parse(a.startedAt), now).dividedBy(2);
        if (half.compareTo(MIN_CREATE_BACKOFF) < 0) {
            return MIN_CREATE_BACKOFF;
        }
        return half.compareTo(MAX_CREATE_BACKOFF) > 0 ? MAX_CREATE_BACKOFF : half;
    }

    private static void endAttempt(Attempt a, String reason, String message, PlanState plan) {
        a.finishedAt = Times.format(plan.now());
        a.reason = reason;
        a.message = trim(message);
    }

    static String describeFailure(Attempt a) {
        if (a.exitCode != null) {
            String d = "exit code " + a.exitCode + ("Error".equals(a.reason) || a.reason == null ? "" : " (" + a.reason + ")");
            // a failed clone's story is git's last words (authentication, unknown revision), not the exit code
            return "CloneFailed".equals(a.reason) && a.message != null && !a.message.isBlank() ? d + ": " + a.message : d;
        }
        String why = a.reason == null ? "failed" : a.reason;
        // without an exit code the message is the story (a refused Job, a pod that never ran)
        return a.message == null || a.message.isBlank() ? why : why + " (" + a.message + ")";
    }

    private static String trim(String message) {
        return message == null || message.isBlank() ? null : StatusBudget.truncate(message, StatusBudget.MESSAGE_BYTES);
    }
}
