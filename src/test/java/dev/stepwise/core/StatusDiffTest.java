package dev.stepwise.core;

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
        RunStatus before = new RunStatus();
        before.phase = RunPhase.Running;
        StepStatus step = new StepStatus("a", StepPhase.Running);
        Attempt attempt = new Attempt();
        attempt.number = 1;
        attempt.job = "r-a-1";
        step.attempts.add(attempt);
        before.steps.add(step);

        RunStatus after = new RunStatus();
        after.phase = RunPhase.Running;
        StepStatus step2 = new StepStatus("a", StepPhase.Running);
        Attempt attempt2 = new Attempt();
        attempt2.number = 1;
        attempt2.job = "r-a-1";
        attempt2.pod = "r-a-1-xyz";
        step2.attempts.add(attempt2);
        after.steps.add(step2);
        after.message = "m";

        assertEquals(List.of("message", "steps[0].attempts[0].pod"), StatusDiff.paths(before, after).stream().sorted().toList());
        assertEquals(List.of(), StatusDiff.paths(before, before));
        assertEquals(List.of("."), StatusDiff.paths(null, after));
    }
}
