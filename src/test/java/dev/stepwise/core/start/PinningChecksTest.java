package dev.stepwise.core.start;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.core.Fixtures;
import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a Run's spec must keep before it pins a revision (and so before any Job): param rules and stepParams. */
class PinningChecksTest {

    private static WorkflowRevision revision() {
        Step extract = Fixtures.step("extract");
        extract.env = new ArrayList<>(List.of(new EnvVar("LIMIT", "1", null), new EnvVar("MODE", "full", null)));
        Param table = new Param("table", "orders");
        table.pattern = "^[a-z_]+$";
        WorkflowSpec spec = Fixtures.withParams(Fixtures.spec(extract, Fixtures.step("load", "extract")), table);
        return Fixtures.revision("etl", 3, spec, "wf-uid");
    }

    private static RevisionPinning.Result pin(Run run) {
        return RevisionPinning.pin(run, revision(), run.getSpec().params, null);
    }

    @Test
    void stepParamsMaySetEnvNamesTheStepDeclares() {
        Run run = Fixtures.run("etl-1", 1, Map.of());
        run.getSpec().stepParams = Map.of("extract", Map.of("LIMIT", "10", "MODE", "delta"));

        assertThat(pin(run)).isInstanceOf(RevisionPinning.Pinned.class);
    }

    @Test
    void stepParamsSettingAnEnvNameTheStepDoesNotDeclareFailNamingStepAndName() {
        Run run = Fixtures.run("etl-1", 1, Map.of());
        run.getSpec().stepParams = Map.of("extract", Map.of("LIMIT", "10", "NODE_OPTIONS", "--require /tmp/x.js"),
                "load", Map.of("LD_PRELOAD", "/tmp/x.so"));

        assertThat(pin(run)).isInstanceOfSatisfying(RevisionPinning.Fail.class, f -> assertThat(f.message())
                .contains("stepParams.extract: step 'extract' declares no env 'NODE_OPTIONS' (stepParams may only set "
                        + "env names the step declares in env: LIMIT, MODE)")
                .contains("stepParams.load: step 'load' declares no env 'LD_PRELOAD' (stepParams may only set env names "
                        + "the step declares in env; it declares none)")
                .doesNotContain("'LIMIT'"));
    }

    @Test
    void aManualRunWithAValueBreakingThePatternFails() {
        Run run = Fixtures.run("etl-1", 1, Map.of("table", "x;rm -rf /"));

        assertThat(pin(run)).isInstanceOfSatisfying(RevisionPinning.Fail.class, f -> assertThat(f.message())
                .isEqualTo("param 'table': value \"x;rm -rf /\" does not match pattern ^[a-z_]+$"));
    }

    @Test
    void aRetryIsHeldToTheRulesToo() {
        Run original = Fixtures.run("etl-first", 1, Map.of("table", "orders"));
        RunStatus s = new RunStatus();
        s.phase = RunPhase.Failed;
        s.workflow = "etl";
        s.revision = "etl-r3";
        s.params = Map.of("table", "orders");
        original.setStatus(s);
        WorkflowRevision rev = revision();
        OtherRuns runs = new OtherRuns() {
            @Override
            public Optional<Run> get(String name) {
                return name.equals("etl-first") ? Optional.of(original) : Optional.empty();
            }

            @Override
            public Map<String, Map<String, String>> storedOutputs(Run run) {
                return Map.of();
            }
        };
        Run retry = Fixtures.run("etl-retry", 1, Map.of("table", "ORDERS"));
        retry.getSpec().retryOf = "etl-first";

        assertThat(RetryPinning.decide(retry, runs, name -> Optional.of(rev)))
                .isInstanceOfSatisfying(RevisionPinning.Fail.class, f -> assertThat(f.message())
                        .isEqualTo("param 'table': value \"ORDERS\" does not match pattern ^[a-z_]+$"));
        retry.getSpec().params = Map.of();
        assertThat(RetryPinning.decide(retry, runs, name -> Optional.of(rev))).isInstanceOf(RevisionPinning.Pinned.class);
    }
}
