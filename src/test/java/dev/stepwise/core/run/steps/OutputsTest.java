package dev.stepwise.core.run.steps;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutputsTest {

    @Test
    void declaredOutputsAreKeptAndUndeclaredNamesListedOnce() {
        Outputs.Parsed p = Outputs.parse("rows=42\nextra=1\npath=/tmp/x\nextra=2\n", List.of("rows", "path"));

        assertThat(p.values()).containsExactly(Map.entry("rows", "42"), Map.entry("path", "/tmp/x"));
        assertThat(p.undeclared()).containsExactly("extra");
    }

    @Test
    void valuesMayContainEqualsSigns() {
        Outputs.Parsed p = Outputs.parse("query=a=b&c=d\nurl=https://x?y==", List.of("query", "url"));

        assertThat(p.values()).containsEntry("query", "a=b&c=d").containsEntry("url", "https://x?y==");
    }

    @Test
    void crlfLinesBlankLinesAndLinesWithoutNameAreHandled() {
        Outputs.Parsed p = Outputs.parse("a=1\r\n\r\nnot a pair\n=orphan\nb=\n", List.of("a", "b"));

        assertThat(p.values()).containsExactly(Map.entry("a", "1"), Map.entry("b", ""));
        assertThat(p.undeclared()).isEmpty();
    }

    @Test
    void laterLineOfTheSameNameWins() {
        assertThat(Outputs.parse("a=1\na=2", List.of("a")).values()).containsExactly(Map.entry("a", "2"));
    }

    @Test
    void nullMessageOrNoDeclarationsGiveNoValues() {
        assertThat(Outputs.parse(null, List.of("a")).values()).isEmpty();
        Outputs.Parsed p = Outputs.parse("a=1", null);
        assertThat(p.values()).isEmpty();
        assertThat(p.undeclared()).containsExactly("a");
    }

    @Test
    void redactKeepsNamesAndHidesValues() {
        assertThat(Outputs.redact(Map.of("token", "s3cr3t")))
                .containsExactly(Map.entry("token", Outputs.REDACTED));
        assertThat(Outputs.REDACTED).isEqualTo("[REDACTED]");
    }
}
