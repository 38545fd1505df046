package dev.stepwise.core.graph;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.stepwise.core.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

class DagTest {

    @Test
    void diamondIsOrderedInLevelsWithParentsBeforeChildren() {
        Dag dag = Dag.of(List.of(step("d", "b", "c"), step("c", "a"), step("b", "a"), step("a")));

        assertThat(dag.isValid()).isTrue();
        assertThat(dag.problems()).isEmpty();
        assertThat(dag.levels()).containsExactly(List.of("a"), List.of("c", "b"), List.of("d"));
        assertThat(dag.topologicalOrder()).containsExactly("a", "c", "b", "d");
        assertThat(dag.parents("d")).containsExactly("b", "c");
        assertThat(dag.children("a")).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void stepsInsideALevelKeepTheWorkflowOrder() {
        Dag dag = Dag.of(List.of(step("root"), step("z", "root"), step("m", "root"), step("a", "root"),
                step("solo")));

        assertThat(dag.levels()).containsExactly(List.of("root", "solo"), List.of("z", "m", "a"));
        assertThat(dag.names()).containsExactly("root", "z", "m", "a", "solo");
    }

    @Test
    void aStepIsPlacedOnTheLevelAfterItsDeepestParent() {
        Dag dag = Dag.of(List.of(step("a"), step("b", "a"), step("c", "b"), step("d", "a", "c")));

        assertThat(dag.levels()).containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("d"));
    }

    @Test
    void repeatedParentIsCountedOnce() {
        Dag dag = Dag.of(List.of(step("a"), step("b", "a", "a")));

        assertThat(dag.isValid()).isTrue();
        assertThat(dag.parents("b")).containsExactly("a");
        assertThat(dag.levels()).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void duplicateStepNameIsAProblem() {
        Dag dag = Dag.of(List.of(step("a"), step("a")));

        assertThat(dag.isValid()).isFalse();
        assertThat(dag.problems()).containsExactly("duplicate step name 'a'");
    }

    @Test
    void unknownParentIsAProblemNamingBothSteps() {
        Dag dag = Dag.of(List.of(step("a"), step("b", "ghost")));

        assertThat(dag.problems()).containsExactly("step 'b' depends on unknown step 'ghost'");
        assertThat(dag.parents("b")).isEmpty();
    }

    @Test
    void selfDependencyIsAProblemButNotReportedAsACycle() {
        Dag dag = Dag.of(List.of(step("a", "a")));

        assertThat(dag.problems()).containsExactly("step 'a' depends on itself");
    }

    @Test
    void cycleIsDetectedAndTheMessageNamesExactlyTheStepsOnIt() {
        // d hangs below the cycle a -> b -> c -> a but is not on it
        Dag dag = Dag.of(List.of(step("d", "c"), step("a", "c"), step("b", "a"), step("c", "b"), step("ok")));

        assertThat(dag.isValid()).isFalse();
        assertThat(dag.problems()).hasSize(1);
        String problem = dag.problems().get(0);
        assertThat(problem).startsWith("steps form a cycle: ");
        String cycle = problem.substring("steps form a cycle: ".length());
        List<String> names = List.of(cycle.split(" -> "));
        assertThat(names.get(0)).isEqualTo(names.get(names.size() - 1));
        assertThat(names.subList(0, names.size() - 1)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(cycle).doesNotContain("d").doesNotContain("ok");
        // each arrow follows a dependency edge: x -> y means y depends on x
        for (int i = 0; i + 1 < names.size(); i++) {
            assertThat(dag.parents(names.get(i + 1))).contains(names.get(i));
        }
    }

    @Test
    void twoStepCycleIsNamed() {
        Dag dag = Dag.of(List.of(step("x", "y"), step("y", "x")));

        assertThat(dag.problems()).singleElement().asString()
                .matches("steps form a cycle: (x -> y -> x|y -> x -> y)");
    }

    @Test
    void stepWithoutNameIsAProblem() {
        dev.stepwise.api.v1alpha1.Step nameless = step("x");
        nameless.name = null;
        Dag dag = Dag.of(List.of(nameless, step("a")));

        assertThat(dag.problems()).containsExactly("a step has no name");
        assertThat(dag.names()).containsExactly("a");
    }

    @Test
    void isAncestorFollowsParentsTransitivelyButNotChildren() {
        Dag dag = Dag.of(List.of(step("a"), step("b", "a"), step("c", "b"), step("x")));

        assertThat(dag.isAncestor("a", "c")).isTrue();
        assertThat(dag.isAncestor("b", "c")).isTrue();
        assertThat(dag.isAncestor("c", "a")).isFalse();
        assertThat(dag.isAncestor("x", "c")).isFalse();
        assertThat(dag.isAncestor("c", "c")).isFalse();
        assertThat(dag.isAncestor("a", "unknown")).isFalse();
    }

    @Test
    void isAncestorTerminatesOnACycle() {
        Dag dag = Dag.of(List.of(step("a", "b"), step("b", "a"), step("z")));

        assertThat(dag.isAncestor("z", "a")).isFalse();
        assertThat(dag.isAncestor("b", "a")).isTrue();
    }
}
