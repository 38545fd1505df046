package dev.stepwise.core.status;

import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RunConditionsTest {

    private static Map<String, Conditions.Desired> byType(RunPhase phase) {
        return RunConditions.forPhase(phase, "why").stream()
                .collect(Collectors.toMap(Conditions.Desired::type, d -> d));
    }

    @ParameterizedTest
    @EnumSource(value = RunPhase.class, names = {"Pending", "Queued", "Running", "Suspended"})
    void inProgressPhasesAreReconcilingAndNotReady(RunPhase phase) {
        Map<String, Conditions.Desired> c = byType(phase);
        assertThat(c.get("Succeeded").status()).isEqualTo("Unknown");
        assertThat(c.get("Ready").status()).isEqualTo("False");
        assertThat(c.get("Reconciling").status()).isEqualTo("True");
        assertThat(c.containsKey("Stalled") ? c.get("Stalled").status() : "False").isEqualTo("False");
    }

    @Test
    void succeededIsReadyAndNeitherReconcilingNorStalled() {
        Map<String, Conditions.Desired> c = byType(RunPhase.Succeeded);
        assertThat(c.get("Succeeded").status()).isEqualTo("True");
        assertThat(c.get("Ready").status()).isEqualTo("True");
        assertThat(c.get("Reconciling").status()).isEqualTo("False");
        assertThat(c.get("Stalled").status()).isEqualTo("False");
    }

    @ParameterizedTest
    @EnumSource(value = RunPhase.class, names = {"Failed", "Cancelled"})
    void failedAndCancelledAreStalledAndNotReady(RunPhase phase) {
        Map<String, Conditions.Desired> c = byType(phase);
        assertThat(c.get("Succeeded").status()).isEqualTo("False");
        assertThat(c.get("Ready").status()).isEqualTo("False");
        assertThat(c.get("Reconciling").status()).isEqualTo("False");
        assertThat(c.get("Stalled").status()).isEqualTo("True");
    }

    @ParameterizedTest
    @EnumSource(RunPhase.class)
    void everyPhaseCarriesAllFourConditionsWithThePhaseAsReasonAndTheMessage(RunPhase phase) {
        List<Conditions.Desired> all = RunConditions.forPhase(phase, "why");
        assertThat(all).extracting(Conditions.Desired::type)
                .containsExactlyInAnyOrder("Succeeded", "Ready", "Reconciling", "Stalled");
        assertThat(all).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(phase.name());
            assertThat(d.message()).isEqualTo("why");
        });
    }
}
