package dev.stepwise.core.status;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StatusBudgetTest {

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shortLogIsKeptWhole() {
        assertThat(StatusBudget.tail("hello\nworld\n", 2048)).isEqualTo("hello\nworld\n");
        assertThat(StatusBudget.tail(null, 10)).isNull();
    }

    @Test
    void tailKeepsTheEndOfTheLog() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            sb.append("line ").append(i).append('\n');
        }
        String tail = StatusBudget.tail(sb.toString(), 100);

        assertThat(utf8(tail)).isLessThanOrEqualTo(100);
        assertThat(tail).endsWith("line 999\n").contains("line 990\n");
        assertThat(tail).as("starts at a line break").startsWith("line ");
    }

    @Test
    void tailWithoutLineBreaksIsTheLastBytes() {
        String tail = StatusBudget.tail("0123456789".repeat(10), 15);
        assertThat(tail).isEqualTo("567890123456789");
    }

    @Test
    void tailNeverSplitsAMultiByteCharacter() {
        String log = "é€😀".repeat(200);   // 2 + 3 + 4 bytes
        for (int max = 1; max < 40; max++) {
            String tail = StatusBudget.tail(log, max);
            assertThat(utf8(tail)).isLessThanOrEqualTo(max);
            assertThat(tail).doesNotContain("\uFFFD");
            assertThat(log).endsWith(tail);
            // no lone surrogate
            assertThat(new String(tail.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(tail);
        }
    }

    @Test
    void truncateKeepsTheStartAndMarksTheCut() {
        assertThat(StatusBudget.truncate("short", 100)).isEqualTo("short");
        assertThat(StatusBudget.truncate(null, 100)).isNull();
        String cut = StatusBudget.truncate("x".repeat(2000), StatusBudget.MESSAGE_BYTES);
        assertThat(utf8(cut)).isLessThanOrEqualTo(StatusBudget.MESSAGE_BYTES);
        assertThat(cut).startsWith("xxx").endsWith("...");
    }

    @Test
    void truncateNeverSplitsAMultiByteCharacter() {
        String text = "😀".repeat(100);
        for (int max = 4; max < 30; max++) {
            String cut = StatusBudget.truncate(text, max);
            assertThat(utf8(cut)).isLessThanOrEqualTo(max);
            assertThat(cut).doesNotContain("\uFFFD").endsWith("...");
        }
    }

    @Test
    void smallRunsGetTheConfiguredTailSize() {
        assertThat(StatusBudget.tailBytesPerAttempt(2048, 1)).isEqualTo(2048);
        assertThat(StatusBudget.tailBytesPerAttempt(2048, 100)).isEqualTo(2048);
        assertThat(StatusBudget.tailBytesPerAttempt(2048, 0)).isEqualTo(2048);
    }

    @Test
    void tailShrinksAsAttemptsAccumulateButNotBelowTheMinimum() {
        int previous = Integer.MAX_VALUE;
        for (int attempts = 1; attempts <= 10_000; attempts *= 2) {
            int per = StatusBudget.tailBytesPerAttempt(2048, attempts);
            assertThat(per).isLessThanOrEqualTo(previous).isGreaterThanOrEqualTo(StatusBudget.MIN_TAIL_BYTES);
            previous = per;
        }
        assertThat(StatusBudget.tailBytesPerAttempt(2048, 1500)).isLessThan(200);
        assertThat(StatusBudget.tailBytesPerAttempt(2048, 1_000_000)).isEqualTo(StatusBudget.MIN_TAIL_BYTES);
        // all tails of a 1500-attempt Run stay within the Run's budget (plus the minimum floor)
        assertThat(1500L * StatusBudget.tailBytesPerAttempt(2048, 1500)).isLessThanOrEqualTo(StatusBudget.RUN_LOG_BYTES);
    }

    @Test
    void aSmallConfiguredTailIsNeverRaisedToTheMinimum() {
        assertThat(StatusBudget.tailBytesPerAttempt(64, 1)).isEqualTo(64);
        assertThat(StatusBudget.tailBytesPerAttempt(64, 100_000)).isEqualTo(64);
    }
}
