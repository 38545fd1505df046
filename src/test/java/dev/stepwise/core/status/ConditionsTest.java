package dev.stepwise.core.status;

import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConditionsTest {
    private static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T11:00:00Z");

    @Test
    void newConditionGetsNowAsTransitionTimeAndTheGeneration() {
        List<Condition> out = Conditions.apply(null,
                List.of(new Conditions.Desired("Ready", Conditions.TRUE, "Valid", "ok")), List.of(), 3L, T1);

        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Valid");
            assertThat(c.getMessage()).isEqualTo("ok");
            assertThat(c.getObservedGeneration()).isEqualTo(3L);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        });
    }

    @Test
    void lastTransitionTimeIsKeptWhenStatusIsUnchanged() {
        List<Condition> first = Conditions.apply(List.of(),
                List.of(new Conditions.Desired("Ready", Conditions.FALSE, "Running", "a")), List.of(), 1L, T1);
        List<Condition> second = Conditions.apply(first,
                List.of(new Conditions.Desired("Ready", Conditions.FALSE, "Running", "b")), List.of(), 2L, T2);

        assertThat(second).singleElement().satisfies(c -> {
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
            assertThat(c.getMessage()).isEqualTo("b");
            assertThat(c.getObservedGeneration()).isEqualTo(2L);
        });
    }

    @Test
    void lastTransitionTimeIsReplacedWhenStatusChanges() {
        List<Condition> first = Conditions.apply(List.of(),
                List.of(new Conditions.Desired("Ready", Conditions.FALSE, "Running", "a")), List.of(), 1L, T1);
        List<Condition> second = Conditions.apply(first,
                List.of(new Conditions.Desired("Ready", Conditions.TRUE, "Succeeded", "done")), List.of(), 1L, T2);

        assertThat(second).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T11:00:00Z");
        });
    }

    @Test
    void otherConditionsAreKeptUnlessRemoved() {
        Condition other = new Condition();
        other.setType("Custom");
        other.setStatus("True");
        Condition gone = new Condition();
        gone.setType("Old");
        gone.setStatus("True");
        List<Condition> out = Conditions.apply(List.of(other, gone),
                List.of(new Conditions.Desired("Ready", Conditions.TRUE, "R", null)), List.of("Old"), 1L, T1);

        assertThat(out).extracting(Condition::getType).containsExactly("Ready", "Custom");
        assertThat(out.get(0).getMessage()).isEmpty();
        assertThat(Conditions.find(out, "Custom")).isSameAs(other);
        assertThat(Conditions.find(out, "Old")).isNull();
        assertThat(Conditions.find(null, "Ready")).isNull();
    }

    @Test
    void longMessagesAreBounded() {
        List<Condition> out = Conditions.apply(null,
                List.of(new Conditions.Desired("Ready", Conditions.FALSE, "Invalid", "p".repeat(10_000))), List.of(), 1L, T1);
        assertThat(out.get(0).getMessage().length()).isLessThanOrEqualTo(StatusBudget.MESSAGE_BYTES);
    }
}
