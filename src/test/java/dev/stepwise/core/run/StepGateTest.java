package dev.stepwise.core.run;

import dev.stepwise.core.expr.WhenExpressions;

import dev.stepwise.api.v1alpha1.RunIf;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.stepwise.core.Fixtures.step;
import static dev.stepwise.core.run.StepGate.Outcome.FAILURE;
import static dev.stepwise.core.run.StepGate.Outcome.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

class StepGateTest {
    private static final Map<String, WhenExpressions.StepFacts> FACTS = Map.of(
            "extract", new WhenExpressions.StepFacts("Succeeded", Map.of("rows", "42")),
            "other", new WhenExpressions.StepFacts("Failed", Map.of()));
    private static final Map<String, String> PARAMS = Map.of("table", "orders");

    private static StepGate.Decision decide(Step s, List<StepGate.Outcome> parents) {
        List<String> names = parents.size() == 2 ? List.of("p1", "p2") : parents.size() == 1 ? List.of("p1") : List.of();
        return StepGate.decide(s, names, parents, null, PARAMS, FACTS);
    }

    private static Step runIf(RunIf r) {
        Step s = step("s", "p1", "p2");
        s.runIf = r;
        return s;
    }

    @Test
    void allSucceededIsTheDefaultAndNeedsEveryParentToSucceed() {
        assertThat(step("s").runIfOrDefault()).isEqualTo(RunIf.AllSucceeded);
        assertThat(StepGate.parentsSatisfy(RunIf.AllSucceeded, List.of(SUCCESS, SUCCESS))).isTrue();
        assertThat(StepGate.parentsSatisfy(RunIf.AllSucceeded, List.of(SUCCESS, FAILURE))).isFalse();
    }

    @Test
    void allDoneRunsWhateverTheParentsDid() {
        assertThat(StepGate.parentsSatisfy(RunIf.AllDone, List.of(FAILURE, FAILURE))).isTrue();
        assertThat(StepGate.parentsSatisfy(RunIf.AllDone, List.of(SUCCESS, FAILURE))).isTrue();
    }

    @Test
    void anySucceededNeedsOneSuccess() {
        assertThat(StepGate.parentsSatisfy(RunIf.AnySucceeded, List.of(FAILURE, SUCCESS))).isTrue();
        assertThat(StepGate.parentsSatisfy(RunIf.AnySucceeded, List.of(FAILURE, FAILURE))).isFalse();
    }

    @Test
    void anyFailedNeedsOneFailure() {
        assertThat(StepGate.parentsSatisfy(RunIf.AnyFailed, List.of(SUCCESS, FAILURE))).isTrue();
        assertThat(StepGate.parentsSatisfy(RunIf.AnyFailed, List.of(SUCCESS, SUCCESS))).isFalse();
    }

    @Test
    void allFailedNeedsEveryParentToFail() {
        assertThat(StepGate.parentsSatisfy(RunIf.AllFailed, List.of(FAILURE, FAILURE))).isTrue();
        assertThat(StepGate.parentsSatisfy(RunIf.AllFailed, List.of(SUCCESS, FAILURE))).isFalse();
    }

    @Test
    void aRootStepRunsWhateverItsRunIf() {
        for (RunIf r : RunIf.values()) {
            assertThat(StepGate.parentsSatisfy(r, List.of())).as(r.name()).isTrue();
        }
    }

    @Test
    void unmetRunIfSkipsTheStepNamingTheParentsOutcomes() {
        StepGate.Decision d = decide(runIf(RunIf.AnyFailed), List.of(SUCCESS, SUCCESS));
        assertThat(d.verdict()).isEqualTo(StepGate.Verdict.SKIP);
        assertThat(d.message()).isEqualTo("runIf AnyFailed not met by p1 (succeeded), p2 (succeeded)");

        assertThat(decide(runIf(RunIf.AnyFailed), List.of(SUCCESS, FAILURE)).verdict()).isEqualTo(StepGate.Verdict.RUN);
    }

    @Test
    void skipTrueAlwaysSkipsEvenWhenParentsSucceeded() {
        Step s = step("s", "p1");
        s.skip = true;
        StepGate.Decision d = decide(s, List.of(SUCCESS));
        assertThat(d.verdict()).isEqualTo(StepGate.Verdict.SKIP);
        assertThat(d.message()).isEqualTo("skip: true");
    }

    @Test
    void skipDownstreamAncestorSkipsTheStep() {
        StepGate.Decision d = StepGate.decide(step("s", "p1"), List.of("p1"), List.of(SUCCESS), "p0", PARAMS, FACTS);
        assertThat(d.verdict()).isEqualTo(StepGate.Verdict.SKIP);
        assertThat(d.message()).contains("'p0'").contains("skipDownstream");
    }

    @Test
    void skipDownstreamNeedsSkip() {
        Step s = step("s");
        s.skipDownstream = true;
        assertThat(s.skipsDownstream()).isFalse();
        s.skip = true;
        assertThat(s.skipsDownstream()).isTrue();
    }

    @Test
    void whenTrueRuns() {
        Step s = step("s", "p1");
        s.when = "steps.extract.outputs.rows != '0' && params.table == 'orders' && steps.other.phase == 'Failed'";
        assertThat(decide(s, List.of(SUCCESS)).verdict()).isEqualTo(StepGate.Verdict.RUN);
    }

    @Test
    void whenFalseSkips() {
        Step s = step("s", "p1");
        s.when = "steps.extract.outputs.rows == '0'";
        StepGate.Decision d = decide(s, List.of(SUCCESS));
        assertThat(d.verdict()).isEqualTo(StepGate.Verdict.SKIP);
        assertThat(d.message()).isEqualTo("when is false: steps.extract.outputs.rows == '0'");
    }

    @Test
    void whenThatCannotBeEvaluatedFailsTheStep() {
        Step s = step("s", "p1");
        s.when = "steps.extract.outputs.missing == '1'";
        StepGate.Decision d = decide(s, List.of(SUCCESS));
        assertThat(d.verdict()).isEqualTo(StepGate.Verdict.FAIL);
        assertThat(d.message()).startsWith("when could not be evaluated: ");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aRegexBombInARevisionValidatedWithoutTheLimitsFailsTheStepNotTheOperator() {
        Step s = step("s", "p1");
        s.when = "params.table.matches('((a{1000}){1000}){1000}')";
        StepGate.Decision d = decide(s, List.of(SUCCESS));
        assertThat(d.verdict()).isEqualTo(StepGate.Verdict.FAIL);
        assertThat(d.message()).isEqualTo("when could not be evaluated: the pattern of matches() '((a{1000}){1000}){1000}' "
                + "repeats a part 1000000000 times (counted repetitions, multiplied where nested); at most 1000 are allowed");
    }

    @Test
    void whenIsNotEvaluatedWhenRunIfAlreadySkips() {
        Step s = step("s", "p1");
        s.when = "steps.nope.outputs.x == '1'";   // would be an error
        assertThat(decide(s, List.of(FAILURE)).verdict()).isEqualTo(StepGate.Verdict.SKIP);
    }

    @Test
    void stepSkippedByWhenOrSkipPassesSuccessOnButSkippedByRunIfPassesFailure() {
        Step s = step("s", "p1");
        assertThat(StepGate.outcomeOf(s, StepPhase.Skipped, List.of(SUCCESS))).isEqualTo(SUCCESS);
        assertThat(StepGate.outcomeOf(s, StepPhase.Skipped, List.of(FAILURE))).isEqualTo(FAILURE);
        assertThat(StepGate.outcomeOf(s, StepPhase.Succeeded, List.of(FAILURE))).isEqualTo(SUCCESS);
        assertThat(StepGate.outcomeOf(s, StepPhase.Failed, List.of(SUCCESS))).isEqualTo(FAILURE);
        assertThat(StepGate.outcomeOf(s, StepPhase.Cancelled, List.of(SUCCESS))).isEqualTo(FAILURE);
    }
}
