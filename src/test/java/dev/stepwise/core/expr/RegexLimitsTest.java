package dev.stepwise.core.expr;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RegexLimitsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " -> ", value = {
            "((a{1000}){1000}){1000} -> 1000000000",
            "(a{10}){100} -> 1000",
            "(a|b{999}){2} -> 1998",
            "a{2,7} -> 7",
            "a{2,} -> 2",
            "a{,5} -> 1",
            "\\d{4}-\\d{2}-\\d{2} -> 4",
            "\\{1000} -> 1",
            "[{]{5} -> 5",
            "[]{}]{3}(x) -> 3",
            "[[:alpha:]{]{9} -> 9",
            "\\p{Greek}{3} -> 3",
            "\\Q{99}\\E{2} -> 2",
            "(?i)(a{10}b){50} -> 500",
            "a{10}*{10} -> 100",
            "(a|(b{20}c){5}){3} -> 300",
    })
    void nestedCountsMultiplyAndBracesThatAreNoCountDoNot(String pattern, long repeats) {
        assertThat(RegexLimits.nestedRepeats(pattern)).isEqualTo(repeats);
    }
}
