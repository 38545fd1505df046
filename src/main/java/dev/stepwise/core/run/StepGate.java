package dev.stepwise.core.run;

import dev.stepwise.core.expr.WhenExpressions;

import dev.stepwise.api.v1alpha1.RunIf;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;

import java.util.List;
import java.util.Map;

/**
 * Decides whether a step whose parents are all done runs, and what its outcome means for its own
 * children. A step Skipped by {@code skip} or {@code when} passes success on (as in Argo); a step
 * Skipped because its parents did not satisfy runIf passes the failure on, so a whole branch
 * below a failed step is Skipped.
 */
public final class StepGate {
    private StepGate() {
    }

    /** How a finished step counts for its children's runIf. */
    public enum Outcome { SUCCESS, FAILURE }

    /** The decision for a ready step. */
    public record Decision(Verdict verdict, String message) {
        static Decision run() {
            return new Decision(Verdict.RUN, null);
        }
    }

    public enum Verdict { RUN, SKIP, FAIL }

    public static boolean parentsSatisfy(RunIf runIf, List<Outcome> parents) {
        if (parents.isEmpty()) {
            return true;
        }
        return switch (runIf) {
            case AllSucceeded -> parents.stream().allMatch(o -> o == Outcome.SUCCESS);
            case AllDone -> true;
            case AnySucceeded -> parents.stream().anyMatch(o -> o == Outcome.SUCCESS);
            case AnyFailed -> parents.stream().anyMatch(o -> o == Outcome.FAILURE);
            case AllFailed -> parents.stream().allMatch(o -> o == Outcome.FAILURE);
        };
    }

    /** The outcome of a finished step, given its parents' outcomes. */
    public static Outcome outcomeOf(Step step, StepPhase phase, List<Outcome> parents) {
        return switch (phase) {
            case Succeeded -> Outcome.SUCCESS;
            case Skipped -> parentsSatisfy(step.runIfOrDefault(), parents) ? Outcome.SUCCESS : Outcome.FAILURE;
            default -> Outcome.FAILURE;
        };
    }

    /**
     * @param skippedByAncestor name of an ancestor with skip + skipDownstream, or null
     * @param parentNames       the step's parents, in order, matching {@code parents}
     */
    public static Decision decide(Step step, List<String> parentNames, List<Outcome> parents, String skippedByAncestor,
                                  Map<String, String> params, Map<String, WhenExpressions.StepFacts> facts) {
        if (step.skipped()) {
            return new Decision(Verdict.SKIP, "skip: true");
        }
        if (skippedByAncestor != null) {
            return new Decision(Verdict.SKIP, "skipped with its ancestor '" + skippedByAncestor + "' (skipDownstream)");
        }
        RunIf runIf = step.runIfOrDefault();
        if (!parentsSatisfy(runIf, parents)) {
            return new Decision(Verdict.SKIP, "runIf " + runIf + " not met by " + describe(parentNames, parents));
        }
        if (step.when != null && !step.when.isBlank()) {
            WhenExpressions.Result r = WhenExpressions.evaluate(step.when, params, facts);
            if (r.error() != null) {
                return new Decision(Verdict.FAIL, "when could not be evaluated: " + r.error());
            }
            if (!r.value()) {
                return new Decision(Verdict.SKIP, "when is false: " + step.when);
            }
        }
        return Decision.run();
    }

    private static String describe(List<String> names, List<Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names.get(i)).append(outcomes.get(i) == Outcome.SUCCESS ? " (succeeded)" : " (failed)");
        }
        return sb.toString();
    }
}
