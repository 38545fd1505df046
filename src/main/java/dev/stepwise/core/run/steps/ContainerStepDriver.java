package dev.stepwise.core.run.steps;

import dev.stepwise.core.Names;
import dev.stepwise.core.RepositoryUrls;
import dev.stepwise.core.expr.StepTemplating;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

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
public final class ContainerStepDriver implements StepDriver {
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
    public void start(StepContext ctx, StepStatus st) {
        newAttempt(ctx, st, 1);
    }

    @Override
    public void advance(StepContext ctx, StepStatus st) {
        if (st.attempts.isEmpty()) {
            newAttempt(ctx, st, 1);
            return;
        }
        Attempt last = st.attempts.get(st.attempts.size() - 1);
        if (!last.isFinished()) {
            if (last.job == null) {
                awaitCreate(ctx, st, last);
                if (!last.isFinished()) {
                    return;
                }
            } else {
                st.phase = StepPhase.Running;
                st.nextRetryAt = null;
                checkPendingTimeout(ctx, st, last);
                if (!last.isFinished()) {
                    return;
                }
            }
        }
        if ("Completed".equals(last.reason)) {
            completed(ctx, st, last);
        } else {
            failed(ctx, st, last);
        }
    }

    private void newAttempt(StepContext ctx, StepStatus st, int number) {
        Attempt a = new Attempt();
        a.number = number;
        a.startedAt = Times.format(ctx.now());
        st.attempts.add(a);
        st.phase = StepPhase.Running;
        st.nextRetryAt = null;
        st.message = null;
        requestJob(ctx, st, a);
    }

    /** Asks for the attempt's Job, and reads what became of the create when the plan is made again. */
    private void requestJob(StepContext ctx, StepStatus st, Attempt a) {
        EffectiveStep settings = ctx.effective(st.name);
        InstanceTypeChoice it = InstanceTypeChoice.of(settings.instanceType(), ctx.instanceTypes(), ctx.namespace(),
                ctx.namespaceLabels());
        if (it.problem() != null) {
            refuse(ctx, st, a, it.reason(), it.problem());
            return;
        }
        // a revision published before tokens were limited to https may still hold one: refused here too
        String insecure = RepositoryUrls.problem(ctx.step(st.name).repository);
        if (insecure != null) {
            refuse(ctx, st, a, "InsecureRepository", insecure);
            return;
        }
        // sensitive outputs of other steps reach the Job only as references to the Run's outputs Secret
        SensitiveRefs secrets = SensitiveRefs.of(ctx.step(st.name), ctx);
        StepTemplating.Resolved resolved = StepTemplating.resolve(ctx.step(st.name), secrets.templates());
        if (resolved.problem() != null) {
            refuse(ctx, st, a, "TemplateTooLarge", resolved.problem());
            return;
        }
        String name = Names.job(ctx.runName(), st.name, a.number);
        ctx.create(new JobToCreate(name, st.name, a.number, resolved.step(), settings, it.spec(), ctx.params(),
                ctx.stepEnv(st.name), secrets.env()));
        CreateResult r = ctx.createResult(name);
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
            Instant retry = ctx.now().plus(createBackoff(a, ctx.now()));
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = Times.format(retry);
            st.message = StatusBudget.truncate("Job " + name + " not created yet: " + r.message(), StatusBudget.MESSAGE_BYTES);
            ctx.wake(retry);
            ctx.warn("JobNotCreated", "step " + st.name + " attempt " + a.number + ": " + r.message());
        } else {
            a.job = null;
            endAttempt(a, r.reason(), r.message(), ctx);
            ctx.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: " + describeFailure(a));
            // whether to retry is decided on the next look: a plan made again after acting never starts new work
            ctx.wake(ctx.now());
        }
    }

    /** The attempt can have no Job at all (no retry would change that): it and the step fail, saying why. */
    private static void refuse(StepContext ctx, StepStatus st, Attempt a, String reason, String why) {
        endAttempt(a, reason, why, ctx);
        ctx.finishStep(st, StepPhase.Failed, why);
    }

    /** An open attempt whose Job the API server refused: create it again after a backoff, until its pending timeout. */
    private void awaitCreate(StepContext ctx, StepStatus st, Attempt a) {
        Duration timeout = pendingTimeout(ctx, st);
        Instant deadline = Times.parse(a.startedAt).plus(timeout);
        if (!ctx.now().isBefore(deadline)) {
            String why = a.reason == null ? "JobNotCreated" : a.reason;
            endAttempt(a, why, "the Job could not be created within " + GoDuration.format(timeout)
                    + (a.message == null ? "" : ": " + a.message), ctx);
            ctx.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: " + why + " (pending timeout)");
            return;
        }
        Instant retry = Times.parse(st.nextRetryAt);
        if (retry == null || !ctx.now().isBefore(retry)) {
            requestJob(ctx, st, a);
        } else {
            st.phase = StepPhase.Waiting;
            ctx.wake(retry.isBefore(deadline) ? retry : deadline);
        }
    }

    /** An attempt whose pod has not started by its pending timeout fails with the pod's reason. */
    private void checkPendingTimeout(StepContext ctx, StepStatus st, Attempt a) {
        ObservedJob job = ctx.job(a.job);
        if (job == null || job.podStarted() || a.startedAt == null) {
            return;
        }
        Duration timeout = pendingTimeout(ctx, st);
        Instant deadline = Times.parse(a.startedAt).plus(timeout);
        if (ctx.now().isBefore(deadline)) {
            ctx.wake(deadline);
            return;
        }
        ctx.delete(a.job);
        String why = a.reason == null ? "Pending" : a.reason;
        endAttempt(a, why, "pod not running after " + GoDuration.format(timeout)
                + (a.message == null || a.message.isBlank() ? "" : ": " + a.message), ctx);
        ctx.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: " + why + " (pending timeout)");
    }

    private static Duration pendingTimeout(StepContext ctx, StepStatus st) {
        Duration own = ctx.effective(st.name).pendingTimeout();
        return own != null ? own : ctx.defaultPendingTimeout();
    }

    private void completed(StepContext ctx, StepStatus st, Attempt last) {
        Step step = ctx.step(st.name);
        Map<String, String> stored = step.redacted() ? ctx.storedOutputs(st.name) : null;
        if (stored != null) {
            ctx.succeed(st, stored, Outputs.redact(stored));
            return;
        }
        ObservedJob job = last.job == null ? null : ctx.job(last.job);
        Map<String, String> real = Outputs.parse(job == null ? null : job.terminationMessage(), step.outputs).values();
        if (!ctx.outputsFit(real)) {
            ctx.finishStep(st, StepPhase.Failed, "its outputs (" + StatusBudget.outputBytes(real) + " bytes) would exceed the Run's "
                    + "budget for outputs (" + ctx.outputBytes() + " of " + StatusBudget.RUN_OUTPUT_BYTES + " bytes used)");
            return;
        }
        if (step.redacted() && !real.isEmpty()) {
            // kept outside status before the step counts as done, so dependants and retries always find them
            st.phase = StepPhase.Running;
            String failure = ctx.storeFailure();
            if (failure != null) {
                st.message = StatusBudget.truncate("could not store sensitive outputs: " + failure + " (retrying)",
                        StatusBudget.MESSAGE_BYTES);
                ctx.wake(ctx.now().plus(STORE_RETRY));
            } else {
                st.message = "storing sensitive outputs";
                ctx.store(st.name, real);
                ctx.wake(ctx.now());
            }
            return;
        }
        ctx.succeed(st, real, step.redacted() ? Outputs.redact(real) : real);
    }

    private void failed(StepContext ctx, StepStatus st, Attempt last) {
        int cap = ctx.disruptionRetryLimit();
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
        EffectiveStep settings = ctx.effective(st.name);
        Instant at;
        if (free) {
            at = Times.parse(last.finishedAt).plus(disruptionDelay(disruptions));
        } else if (Retries.shouldRetry(settings.retry(), counted, last.exitCode)) {
            at = Times.parse(last.finishedAt).plus(Retries.delayBeforeRetry(settings.retry(), counted));
        } else {
            int n = last.number;
            ctx.finishStep(st, StepPhase.Failed, describeFailure(last) + " after " + n + (n == 1 ? " attempt" : " attempts"));
            return;
        }
        if (ctx.now().isBefore(at)) {
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = Times.format(at);
            st.message = "retrying after " + describeFailure(last);
            ctx.wake(at);
            return;
        }
        if (ctx.suspended()) {
            // a retry is a new attempt, and a suspended Run starts none; it goes on at once on resume
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = null;
            st.message = "retry held: the Run is suspended (spec.suspend: true); after " + describeFailure(last);
            return;
        }
        if (last.job != null && ctx.hasLivePod(last.job)) {
            // a step never has two pods at once
            st.phase = StepPhase.Waiting;
            st.nextRetryAt = null;
            st.message = "waiting for the pod of attempt " + last.number + " to terminate";
            ctx.wake(ctx.now().plus(POD_GONE_RECHECK));
            return;
        }
        newAttempt(ctx, st, last.number + 1);
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

    private static void endAttempt(Attempt a, String reason, String message, StepContext ctx) {
        a.finishedAt = Times.format(ctx.now());
        a.reason = reason;
        a.message = trim(message);
    }

    public static String describeFailure(Attempt a) {
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
