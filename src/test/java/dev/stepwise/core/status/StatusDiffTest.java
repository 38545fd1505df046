package dev.stepwise.core.status;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusDiffTest {

    @Test
    void namesEveryChangedLeafAndNothingElse() {
        RunStatus before = running(null);
        RunStatus after = running("r-a-1-xyz");
        after.message = "m";

        assertEquals(List.of("message", "steps[0].attempts[0].pod"), StatusDiff.paths(before, after).stream().sorted().toList());
        assertEquals(List.of(), StatusDiff.paths(before, running(null)));
        assertEquals(List.of("."), StatusDiff.paths(null, after));
    }

    /** A Run running its one step, attempt 1, with the given pod name. */
    private static RunStatus running(String pod) {
        RunStatus status = new RunStatus();
        status.phase = RunPhase.Running;
        StepStatus step = new StepStatus("a", StepPhase.Running);
        Attempt attempt = new Attempt();
        attempt.number = 1;
        attempt.job = "r-a-1";
        attempt.pod = pod;
        step.attempts.add(attempt);
        status.steps.add(step);
        return status;
    }
}
