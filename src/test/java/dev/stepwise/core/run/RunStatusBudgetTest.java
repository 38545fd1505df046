package dev.stepwise.core.run;

import dev.stepwise.core.run.RunPlan;
import dev.stepwise.core.run.RunSim;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.status.StatusBudget;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RetryPolicy.Backoff;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.stepwise.core.Fixtures.retry;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static dev.stepwise.core.Fixtures.withOutputs;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole status of any Run stays within its budget, whatever its steps write. */
class RunStatusBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String outputsOf(int bytes) {
        return "blob=" + "x".repeat(bytes - "blob".length());
    }

    @Test
    void aStepWhoseOutputsWouldBreakTheRunsBudgetFailsSayingSo() {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            steps.add(withOutputs(step("s" + i), "blob"));
        }
        RunSim sim = new RunSim(spec(steps));
        sim.plan();
        sim.at(Duration.ofSeconds(10));
        for (Step s : steps) {
            sim.succeeded(s.name, 1, outputsOf(3500), null);
        }
        sim.plan();

        long succeeded = sim.status.steps.stream().filter(s -> s.phase == StepPhase.Succeeded).count();
        assertThat(succeeded).as("192 KiB hold 56 steps of 3,500 bytes").isEqualTo(56);
        StepStatus over = sim.status.steps.stream().filter(s -> s.phase == StepPhase.Failed).findFirst().orElseThrow();
        assertThat(over.message).isEqualTo("its outputs (3500 bytes) would exceed the Run's budget for outputs (196000 of 196608 bytes used)");
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
    }

    @Test
    void aStepRetriedManyTimesListsItsFirstAndLatestAttemptsAndStillCountsEveryFailure() {
        Step a = step("a");
        a.retry = retry(40, Backoff.constant, "1s", null);
        RunSim sim = new RunSim(spec(a));
        sim.plan();
        for (int n = 1; n <= 41; n++) {
            sim.at(Duration.ofSeconds(10L * n)).failed("a", n, 1, "attempt " + n + " failed\n");
            sim.plan();
            sim.at(Duration.ofSeconds(10L * n + 2));
            RunPlan p = sim.plan();
            if (n <= 40) {
                assertThat(p.create()).as("retry %s", n).extracting(JobToCreate::attempt).containsExactly(n + 1);
            } else {
                assertThat(p.create()).as("limit 40: 41 attempts in all").isEmpty();
            }
        }
        StepStatus st = sim.step("a");
        assertThat(st.phase).isEqualTo(StepPhase.Failed);
        assertThat(st.message).isEqualTo("exit code 1 after 41 attempts");
        assertThat(st.attempts).as("a step lists at most 20 attempts").hasSize(20);
        assertThat(st.attempts.get(0).number).isEqualTo(1);
        assertThat(st.attempts.get(st.attempts.size() - 1).number).isEqualTo(41);
    }

    @Test
    void theWorstRunStaysFarBelowTheObjectLimit() throws Exception {
        int n = 500;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Step s = withOutputs(step(String.format("a-step-with-a-rather-long-name-number-%03d", i)), "blob");
            s.retry = retry(100, Backoff.constant, "1s", null);
            steps.add(s);
        }
        RunSim sim = new RunSim(spec(steps));
        sim.runName = "r".repeat(200);
        String log = "é".repeat(4096);
        String longMessage = "m".repeat(5000);
        sim.plan();
        for (int attempt = 1; attempt <= 6; attempt++) {
            sim.at(Duration.ofMinutes(attempt * 2L));
            for (Step s : steps) {
                if (attempt < 6) {
                    sim.observe(new ObservedJob(sim.job(s.name, attempt), s.name, attempt, sim.now, ObservedJob.State.FAILED,
                            sim.job(s.name, attempt) + "-abcde", sim.now, sim.now, true, sim.now, 137, "OOMKilled", longMessage, null, false, log));
                } else {
                    sim.succeeded(s.name, attempt, outputsOf(390), log);
                }
            }
            sim.plan();
            sim.at(Duration.ofMinutes(attempt * 2L + 1));
            sim.plan();
        }

        assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
        int bytes = JSON.writeValueAsBytes(sim.status).length;
        int text = 0;
        for (StepStatus s : sim.status.steps) {
            text += StatusBudget.utf8(s.message) + StatusBudget.outputBytes(s.outputs);
            for (Attempt a : s.attempts) {
                text += StatusBudget.utf8(a.message) + StatusBudget.utf8(a.logs);
            }
        }
        System.out.println("worst-case status: " + bytes + " bytes, of which outputs, messages and logs " + text);
        assertThat(text).as("outputs (192 KiB), log tails (256 KiB) and messages (64 KiB), with 32 KiB to spare: 544 KiB")
                .isLessThanOrEqualTo(544 * 1024);
        assertThat(bytes).as("the whole status, API server limit 1.5 MiB").isLessThan(1_100_000);
        assertThat(new String(JSON.writeValueAsBytes(sim.status), StandardCharsets.UTF_8)).contains("OOMKilled");
    }
}
