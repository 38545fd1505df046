package dev.stepwise.core.expr;

import dev.stepwise.api.v1alpha1.Step;
import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

class StepTemplatingTest {
    private static Templates.Context ctx(String v) {
        return new Templates.Context(Map.of("v", v), Map.of(), "etl-x7k2p", "data", "etl");
    }

    private static Step step(List<String> args, String env) {
        Step s = new Step();
        s.name = "load";
        s.command = new ArrayList<>(List.of("run"));
        s.args = new ArrayList<>(args);
        s.env = new ArrayList<>(List.of(new EnvVar("MODE", env, null)));
        return s;
    }

    @Test
    void commandArgsAndEnvValuesAreResolvedAndTheSpecIsLeftAlone() {
        Step s = step(List.of("--v={{params.v}}", "{{run.name}}"), "{{ params.v }}");
        StepTemplating.Resolved r = StepTemplating.resolve(s, ctx("x"));
        assertThat(r.problem()).isNull();
        assertThat(r.step().command).containsExactly("run");
        assertThat(r.step().args).containsExactly("--v=x", "etl-x7k2p");
        assertThat(r.step().env.get(0).getValue()).isEqualTo("x");
        assertThat(s.args).containsExactly("--v={{params.v}}", "{{run.name}}");
    }

    @Test
    void exactly256KiBFitsCountedInUtf8Bytes() {
        // run (3) + 4 * 65,534 + é (2 bytes) + ok! (3) = 262,144
        Step s = step(List.of("{{params.v}}{{params.v}}{{params.v}}{{params.v}}", "é"), "ok!");
        StepTemplating.Resolved r = StepTemplating.resolve(s, ctx("a".repeat(65_534)));
        assertThat(r.problem()).isNull();
        assertThat(r.step().args.get(0)).hasSize(262_136);
    }

    @Test
    void oneByteMoreFailsNamingTheStepAndTheField() {
        Step s = step(List.of("{{params.v}}{{params.v}}{{params.v}}{{params.v}}", "é"), "ok!!");
        StepTemplating.Resolved r = StepTemplating.resolve(s, ctx("a".repeat(65_534)));
        assertThat(r.step()).isNull();
        assertThat(r.problem()).isEqualTo("the templates of step 'load' resolve to more than 256 KiB of command, args "
                + "and env values, passing the limit at env MODE: no Job is created");
    }

    @Test
    @Timeout(value = 5, threadMode = SEPARATE_THREAD)
    void aMillionReferencesToAMebibyteValueStopAtTheLimit() {
        Step s = step(List.of("{{params.v}}".repeat(1_000_000)), "");
        StepTemplating.Resolved r = StepTemplating.resolve(s, ctx("a".repeat(1 << 20)));
        assertThat(r.problem()).endsWith("passing the limit at args[0]: no Job is created");
    }
}
