package dev.stepwise.core.run;

import dev.stepwise.api.v1alpha1.RunIf;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Planning is linear in steps plus edges, proven by what a graph costs, not by a counter the
 * planner keeps for the test. A ladder (stages of two steps, each depending on both steps of the
 * stage before) has 2^n paths to its root: a planner that walks ancestors without remembering
 * them froze on 26 stages, so the 5,000-stage ladders below (10,000 steps, 20,000 edges) would
 * never finish planning unless it visits each step and edge a bounded number of times.
 */
class PlanningCostTest {

    static List<Step> ladder(int stages) {
        List<Step> steps = new ArrayList<>();
        steps.add(step("s0-a"));
        steps.add(step("s0-b"));
        for (int i = 1; i < stages; i++) {
            String pa = "s" + (i - 1) + "-a";
            String pb = "s" + (i - 1) + "-b";
            steps.add(step("s" + i + "-a", pa, pb));
            steps.add(step("s" + i + "-b", pa, pb));
        }
        return steps;
    }

    @Test
    @Timeout(60)
    void aLadderOfFiveThousandStagesIsPlanned() {
        RunSim sim = new RunSim(spec(ladder(5000)));
        RunPlan first = sim.plan();
        assertThat(first.create()).extracting(j -> j.stepName()).containsExactly("s0-a", "s0-b");
        sim.at(Duration.ofSeconds(1)).succeeded("s0-a", 1, null, null);
        sim.succeeded("s0-b", 1, null, null);
        assertThat(sim.plan().create()).extracting(j -> j.stepName()).containsExactly("s1-a", "s1-b");
    }

    @Test
    @Timeout(60)
    void aLadderOfFiveHundredStagesRunsToItsEnd() {
        RunSim sim = new RunSim(spec(ladder(500)));
        assertThat(sim.plan().create()).hasSize(2);

        // run it to the end: every plan stays linear, whatever is finished
        for (int stage = 0; stage < 500; stage++) {
            sim.at(Duration.ofSeconds(stage + 1L));
            sim.succeeded("s" + stage + "-a", 1, null, null);
            sim.succeeded("s" + stage + "-b", 1, null, null);
            sim.plan();
        }
        assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
    }

    @Test
    @Timeout(60)
    void aFailureAtTheTopOfADeepLadderSkipsEverythingBelowInOnePlan() {
        List<Step> steps = ladder(5000);
        // every second stage lets a failure pass (AllDone), the rest skip on it: outcomes flip all the way down
        for (int i = 2; i < steps.size(); i += 4) {
            steps.get(i).runIf = RunIf.AllDone;
            steps.get(i + 1).runIf = RunIf.AllDone;
        }
        RunSim sim = new RunSim(spec(steps));
        sim.plan();
        sim.at(Duration.ofSeconds(1)).failed("s0-a", 1, 1, null);
        sim.succeeded("s0-b", 1, null, null);

        sim.plan();

        assertThat(sim.step("s1-a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.step("s2-a").phase).isEqualTo(StepPhase.Pending);
        assertThat(sim.step("s4999-b").phase).isEqualTo(StepPhase.Pending);
    }

    @Test
    @Timeout(60)
    void skipDownstreamOfADeepAncestorIsFoundWithoutSearchingAncestors() {
        List<Step> steps = ladder(5000);
        steps.get(0).skip = true;
        steps.get(0).skipDownstream = true;
        RunSim sim = new RunSim(spec(steps));
        sim.plan();
        sim.at(Duration.ofSeconds(1)).succeeded("s0-b", 1, null, null);

        sim.plan();

        assertThat(sim.step("s4999-b").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("s4999-b").message).isEqualTo("skipped with its ancestor 's0-a' (skipDownstream)");
        assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
    }
}
