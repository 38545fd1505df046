package dev.stepwise.core.expr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/** What a when may do: a tenant's expression is checked so it can neither stall nor crash the operator. */
class WhenExpressionsTest {
    private static final String BOMB = "params.x.matches('((a{1000}){1000}){1000}')";
    private static final String BOMB_REFUSED = "the pattern of matches() '((a{1000}){1000}){1000}' repeats a part "
            + "1000000000 times (counted repetitions, multiplied where nested); at most 1000 are allowed";

    private static WhenExpressions.Result eval(String expr) {
        return WhenExpressions.evaluate(expr, Map.of("x", "aaa", "date", "2026-11-01"), Map.of());
    }

    @Test
    void matchesWithALiteralPatternWorksInBothForms() {
        assertThat(WhenExpressions.check("params.date.matches('^\\\\d{4}-\\\\d{2}-\\\\d{2}$')")).isEmpty();
        assertThat(eval("params.date.matches('^\\\\d{4}-\\\\d{2}-\\\\d{2}$')")).isEqualTo(new WhenExpressions.Result(true, null));
        assertThat(eval("matches(params.x, 'a{1,3}')")).isEqualTo(new WhenExpressions.Result(true, null));
        assertThat(eval("params.x.matches('(a{10}){100}')")).isEqualTo(new WhenExpressions.Result(false, null));
    }

    @Test
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void nestedCountedRepetitionsThatMultiplyIntoABombAreRefused() {
        assertThat(WhenExpressions.check(BOMB)).contains(BOMB_REFUSED);
        assertThat(WhenExpressions.check("matches(params.x, '(a{10}){101}')")).contains("the pattern of matches() "
                + "'(a{10}){101}' repeats a part 1010 times (counted repetitions, multiplied where nested); at most 1000 are allowed");
    }

    @Test
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void aBombInARevisionCheckedBeforeTheseLimitsFailsItsEvaluationInsteadOfExhaustingTheHeap() {
        assertThat(eval(BOMB)).isEqualTo(new WhenExpressions.Result(false, BOMB_REFUSED));
    }

    @Test
    void aPatternMustBeAShortStringLiteralThatRe2Compiles() {
        assertThat(WhenExpressions.check("params.x.matches(params.date)"))
                .contains("the pattern of matches() must be a string literal, so it can be checked before it runs");
        assertThat(WhenExpressions.check("params.x.matches('a' + 'b')"))
                .contains("the pattern of matches() must be a string literal, so it can be checked before it runs");
        assertThat(WhenExpressions.check("params.x.matches('" + "a".repeat(257) + "')"))
                .contains("the pattern of matches() has 257 characters; at most 256 are allowed");
        assertThat(WhenExpressions.check("params.x.matches('(a')"))
                .contains("the pattern of matches() '(a' is not an RE2 regular expression: error parsing regexp: "
                        + "missing closing ): `(a`");
        assertThat(WhenExpressions.check("params.x.matches('([a-z]{0,9}|[0-9]{0,9}|[A-Z]{0,9}){100}')"))
                .contains("the pattern of matches() '([a-z]{0,9}|[0-9]{0,9}|[A-Z]{0,9}){100}' compiles to 5802 "
                        + "instructions; at most 2500 are allowed");
    }

    @Test
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void comprehensionsCannotBeWrittenSoNoComprehensionBombRuns() {
        String bomb = "[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, "
                + "[1,2,3,4,5,6,7,8,9,10].map(d, [1,2,3,4,5,6,7,8,9,10].map(e, [1,2,3,4,5,6,7,8,9,10])))))"
                + ".size() > 0";
        assertThat(WhenExpressions.check(bomb)).hasValueSatisfying(
                m -> assertThat(m).startsWith("ERROR: <input>:1:27: undeclared reference to 'map' (in container '')"));
        assertThat(eval(bomb).error()).startsWith("ERROR: <input>:1:27: undeclared reference to 'map' (in container '')");
    }

    @Test
    void expressionsAreBoundedInLengthAndNesting() {
        assertThat(WhenExpressions.check("params.x == '" + "a".repeat(4100) + "'"))
                .contains("ERROR: <input>:-1:0: expression code point size exceeds limit: size: 4114, limit 4096");
        assertThat(WhenExpressions.check("(".repeat(300) + "true" + ")".repeat(300)))
                .contains("Expression recursion limit exceeded. limit: 250");
        assertThat(WhenExpressions.check("(".repeat(100) + "true" + ")".repeat(100))).isEmpty();
    }
}
