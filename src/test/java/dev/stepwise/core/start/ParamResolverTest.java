package dev.stepwise.core.start;

import dev.stepwise.core.Fixtures;

import dev.stepwise.api.v1alpha1.Param;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ParamResolverTest {

    @Test
    void runValuesWinOverDefaultsAndDefaultsFillTheRest() {
        ParamResolver.Result r = ParamResolver.resolve(
                List.of(new Param("date", "2026-01-01"), new Param("table", "orders"), new Param("mode", null)),
                Map.of("table", "customers"));

        assertThat(r.ok()).isTrue();
        assertThat(r.params()).containsExactly(Map.entry("date", "2026-01-01"), Map.entry("table", "customers"),
                Map.entry("mode", ""));
    }

    @Test
    void missingRequiredParamIsAProblemNamingIt() {
        ParamResolver.Result r = ParamResolver.resolve(List.of(Fixtures.required("table")), Map.of());

        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).containsExactly("missing required param 'table'");
    }

    @Test
    void requiredParamWithADefaultIsSatisfied() {
        Param p = Fixtures.required("table");
        p.defaultValue = "orders";
        assertThat(ParamResolver.resolve(List.of(p), null).params()).containsEntry("table", "orders");
    }

    @Test
    void requiredParamMayBeGivenAnEmptyValue() {
        ParamResolver.Result r = ParamResolver.resolve(List.of(Fixtures.required("table")), Map.of("table", ""));
        assertThat(r.ok()).isTrue();
        assertThat(r.params()).containsEntry("table", "");
    }

    @Test
    void unknownParamIsAProblem() {
        ParamResolver.Result r = ParamResolver.resolve(List.of(new Param("a", "1")), Map.of("b", "2"));
        assertThat(r.problems()).containsExactly("unknown param 'b'");
    }

    @Test
    void allProblemsAreReportedTogether() {
        Map<String, String> given = new HashMap<>();
        given.put("x", "1");
        ParamResolver.Result r = ParamResolver.resolve(List.of(Fixtures.required("a"), Fixtures.required("b")), given);
        assertThat(r.problems()).containsExactly("missing required param 'a'", "missing required param 'b'",
                "unknown param 'x'");
    }

    @Test
    void noDeclaredParamsAndNoValuesIsFine() {
        ParamResolver.Result r = ParamResolver.resolve(null, null);
        assertThat(r.ok()).isTrue();
        assertThat(r.params()).isEmpty();
    }

    @Test
    void envNameIsUpperCasedWithDashesAsUnderscores() {
        assertThat(ParamResolver.envName("date")).isEqualTo("PARAM_DATE");
        assertThat(ParamResolver.envName("my-table_name")).isEqualTo("PARAM_MY_TABLE_NAME");
    }

    @Test
    void envNameIgnoresTheDefaultLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
            assertThat(ParamResolver.envName("id")).isEqualTo("PARAM_ID");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void aValueBreakingItsParamsPatternFailsNamingParamAndPattern() {
        Param table = new Param("table", null);
        table.pattern = "^[a-z_]+$";

        ParamResolver.Result r = ParamResolver.resolve(List.of(table), Map.of("table", "x;rm -rf /"));

        assertThat(r.problems()).containsExactly("param 'table': value \"x;rm -rf /\" does not match pattern ^[a-z_]+$");
    }

    @Test
    void thePatternMustMatchTheWholeValueNotAPart() {
        Param table = new Param("table", null);
        table.pattern = "[a-z]+";

        assertThat(ParamResolver.resolve(List.of(table), Map.of("table", "orders")).ok()).isTrue();
        assertThat(ParamResolver.resolve(List.of(table), Map.of("table", "orders; id")).ok()).isFalse();
    }

    @Test
    void enumAndMaxLengthAreCheckedForGivenAndDefaultValues() {
        Param mode = new Param("mode", "sideways");
        mode.allowed = List.of("full", "delta");
        Param note = new Param("note", null);
        note.maxLength = 5;

        assertThat(ParamResolver.resolve(List.of(mode, note), Map.of("note", "\u00e9\u00e9\u00e9\u00e9\u00e9")).problems())
                .containsExactly("param 'mode': value \"sideways\" is not one of enum [\"full\", \"delta\"]");
        assertThat(ParamResolver.resolve(List.of(mode, note), Map.of("mode", "full", "note", "123456")).problems())
                .containsExactly("param 'note': value \"123456\" is 6 characters long, more than maxLength 5");
    }

    @Test
    void anOptionalParamThatNobodySetsIsNotHeldToItsRules() {
        Param mode = new Param("mode", null);
        mode.allowed = List.of("full", "delta");

        ParamResolver.Result r = ParamResolver.resolve(List.of(mode), Map.of());

        assertThat(r.ok()).isTrue();
        assertThat(r.params()).containsEntry("mode", "");
    }

    @Test
    void aHostileValueIsShownOnlyInPartAndEscaped() {
        Param table = new Param("table", null);
        table.pattern = "^[a-z]+$";
        String hostile = "\"\n" + "A".repeat(10_000);

        String problem = ParamResolver.resolve(List.of(table), Map.of("table", hostile)).problems().get(0);

        assertThat(problem).startsWith("param 'table': value \"\\\"\\u000aAAA").contains("...\" is 10002 characters long")
                .hasSizeLessThan(200);
    }

    @Test
    void noValueIsLongerThanTheBoundEvenWithoutMaxLength() {
        Param note = new Param("note", null);

        assertThat(ParamResolver.resolve(List.of(note), Map.of("note", "x".repeat(Param.MAX_VALUE_LENGTH + 1))).problems())
                .singleElement().asString().contains("more than maxLength 4096");
    }
}
