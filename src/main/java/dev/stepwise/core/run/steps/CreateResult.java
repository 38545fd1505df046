package dev.stepwise.core.run.steps;


/**
 * What became of one Job create the plan asked for, as the planner sees it on its second look at a
 * reconcile (see the plan's {@code StepContext#createResult}).
 *
 * @param job     the name of the Job that exists now (CREATED), else the name asked for
 * @param reason  the server's reason (Forbidden, TooManyRequests, Invalid, JobConflict, ...)
 * @param message the server's message, for the step and attempt
 */
public record CreateResult(String job, Kind kind, String reason, String message) {

    public enum Kind {
        /** The Job exists and is this Run's: created now, or found with this Run as its controller. */
        CREATED,
        /** Not created, but it may work later (quota, admission webhook, throttling, server error, a Job of that
         *  name still being deleted): the attempt waits and the create is tried again. */
        WAIT,
        /** Not created and it will not work as asked (an invalid Job, a name that belongs to another owner):
         *  the attempt fails and the step's retry policy decides. */
        FAILED
    }

    public static CreateResult created(String job) {
        return new CreateResult(job, Kind.CREATED, null, null);
    }

    public static CreateResult waiting(String job, String reason, String message) {
        return new CreateResult(job, Kind.WAIT, reason, message);
    }

    public static CreateResult failed(String job, String reason, String message) {
        return new CreateResult(job, Kind.FAILED, reason, message);
    }
}
