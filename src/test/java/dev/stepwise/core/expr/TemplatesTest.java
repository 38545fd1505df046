package dev.stepwise.core.expr;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatesTest {
    private static final Templates.Context CTX = new Templates.Context(
            Map.of("date", "2026-11-01", "my-param", "v"),
            Map.of("extract", Map.of("rows", "42", "path", "a$b\\c")),
            "etl-x7k2p", "data", "etl");

    @Test
    void referencesAreParsedByKind() {
        List<Templates.Ref> refs = Templates.references(
                "{{params.date}} {{ steps.extract.outputs.rows }} {{run.name}} {{run.namespace}} {{workflow.name}} {{foo.bar}}");

        assertThat(refs).hasSize(6);
        assertThat(refs.get(0).param()).isEqualTo("date");
        assertThat(refs.get(1).step()).isEqualTo("extract");
        assertThat(refs.get(1).output()).isEqualTo("rows");
        assertThat(refs.get(1).text()).isEqualTo("steps.extract.outputs.rows");
        assertThat(refs.get(2).builtin()).isEqualTo("run.name");
        assertThat(refs.get(3).builtin()).isEqualTo("run.namespace");
        assertThat(refs.get(4).builtin()).isEqualTo("workflow.name");
        assertThat(refs.get(5).isKnownShape()).isFalse();
        assertThat(refs.subList(0, 5)).allMatch(Templates.Ref::isKnownShape);
    }

    @Test
    void noReferencesInPlainOrNullText() {
        assertThat(Templates.references("plain {single} text")).isEmpty();
        assertThat(Templates.references(null)).isEmpty();
    }

    @Test
    void resolvesEveryKindOfReference() {
        assertThat(Templates.resolve("--date={{params.date}} rows={{steps.extract.outputs.rows}}", CTX))
                .isEqualTo("--date=2026-11-01 rows=42");
        assertThat(Templates.resolve("{{run.name}}/{{run.namespace}}/{{workflow.name}}", CTX))
                .isEqualTo("etl-x7k2p/data/etl");
        assertThat(Templates.resolve("{{ params.my-param }}", CTX)).isEqualTo("v");
    }

    @Test
    void valuesWithRegexReplacementCharactersAreInsertedLiterally() {
        assertThat(Templates.resolve("{{steps.extract.outputs.path}}", CTX)).isEqualTo("a$b\\c");
    }

    @Test
    void missingValuesBecomeEmptyAndUnknownShapesStayAsWritten() {
        assertThat(Templates.resolve("[{{params.nope}}][{{steps.skipped.outputs.x}}]", CTX)).isEqualTo("[][]");
        assertThat(Templates.resolve("{{foo.bar}}", CTX)).isEqualTo("{{foo.bar}}");
    }

    @Test
    void textWithoutTemplatesIsReturnedAsIs() {
        assertThat(Templates.resolve("no templates", CTX)).isEqualTo("no templates");
        assertThat(Templates.resolve(null, CTX)).isNull();
    }
}
