package dev.stepwise.kube;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {

    @Test
    void longNamesAreCutToValidLabelValuesEndingInAnAlphanumeric() {
        String run = "nightly-etl-for-the-orders-warehouse-in-region-eu-central-1-of-team-x-2026";
        assertThat(run.charAt(62)).as("the plain cut would end in '-'").isEqualTo('-');
        String label = Labels.forAttempt("wf", run, "load", 1).get(Labels.RUN);
        assertThat(label).hasSizeLessThanOrEqualTo(63).matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
        assertThat(run).startsWith(label);
        assertThat(Labels.truncate("a.b_c")).isEqualTo("a.b_c");
        assertThat(Labels.truncate("x".repeat(62) + "._z")).isEqualTo("x".repeat(62));
    }
}
