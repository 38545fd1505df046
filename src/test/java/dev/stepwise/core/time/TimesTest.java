package dev.stepwise.core.time;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimesTest {
    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T09:16:51Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2000-12-31T00:00:01Z",
            "1969-07-20T20:17:40Z", "9999-12-31T23:59:59Z",
            // not the whole-seconds form: read by Instant.parse
            "2026-11-26T09:16:51.123456Z", "2026-11-26T09:16:51+02:00"})
    void readsWhatInstantParseReads(String s) {
        assertThat(Times.parse(s)).isEqualTo(Instant.parse(s));
    }

    @Test
    void agreesWithInstantParseOverManyRandomTimes() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(-5_000_000_000L, 100_000_000_000L));
            String s = Times.format(t);
            assertThat(Times.parse(s)).as(s).isEqualTo(t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-26T09:60:00Z",
            "2026-11-2xT09:16:51Z", "2026-11-26 09:16:51Z"})
    void aTimeThatIsNotOneFailsAsInstantParseFails(String s) {
        assertThatThrownBy(() -> Instant.parse(s)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Times.parse(s)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void theEdgeCasesInstantParseAcceptsItStillAccepts() {
        // ISO-8601's 24:00 (the end of the day) is not the fast form's; Instant.parse reads it
        assertThat(Times.parse("2026-11-26T24:00:00Z")).isEqualTo(Instant.parse("2026-11-26T24:00:00Z"));
    }

    @Test
    void nothingIsNull() {
        assertThat(Times.parse(null)).isNull();
        assertThat(Times.parse(" ")).isNull();
    }
}
