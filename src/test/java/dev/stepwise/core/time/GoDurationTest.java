package dev.stepwise.core.time;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

class GoDurationTest {

    @Test
    void parsesSingleAndCombinedUnits() {
        assertThat(GoDuration.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1h0m5s")).isEqualTo(Duration.ofSeconds(3605));
        assertThat(GoDuration.parse("168h")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void parsesFractions() {
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("0.5s")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void millisecondsAreNotMistakenForMinutes() {
        assertThat(GoDuration.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "1d", "-5s", "1 h", "1h 30m", "abc", "1.s", "ten minutes"})
    void rejectsWhatIsNotAGoDuration(String text) {
        assertThat(GoDuration.isValid(text)).isFalse();
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void nullIsInvalidAndParseOrNullAcceptsAbsence() {
        assertThat(GoDuration.isValid(null)).isFalse();
        assertThat(GoDuration.parseOrNull(null)).isNull();
        assertThat(GoDuration.parseOrNull(" ")).isNull();
        assertThat(GoDuration.parseOrNull("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> GoDuration.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsLikeGoToWholeSeconds() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofMillis(1999))).isEqualTo("1s");
        assertThat(GoDuration.format(Duration.ofSeconds(252))).isEqualTo("4m12s");
        assertThat(GoDuration.format(Duration.ofSeconds(3605))).isEqualTo("1h0m5s");
        assertThat(GoDuration.format(Duration.ofHours(50))).isEqualTo("50h0m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(-5))).isEqualTo("0s");
    }

    @Test
    void formatThenParseRoundTrips() {
        Duration d = Duration.ofSeconds(7384);
        assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
    }

    @Test
    @Timeout(value = 5, threadMode = SEPARATE_THREAD)
    void aLongDurationIsReadWithoutRecursion() {
        // the CRD's pattern has no length limit; Java's regex overflowed the stack from about 1,000 parts
        assertThat(GoDuration.isValid("1m".repeat(500_000))).isTrue();
        assertThat(GoDuration.parse("1m".repeat(500_000))).isEqualTo(Duration.ofMinutes(500_000));
        assertThat(GoDuration.isValid("1ms".repeat(500_000) + "x")).isFalse();
    }
}
