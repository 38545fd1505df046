package dev.stepwise.core.expr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

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

    @Test
    void aReferenceIsTwoBracesTextWithoutBracesAndTwoBracesItsWhitespaceTrimmed() {
        assertThat(Templates.resolve("{{{params.date}}}", CTX)).isEqualTo("{2026-11-01}");
        assertThat(Templates.resolve("{{a{{params.date}}", CTX)).isEqualTo("{{a2026-11-01");
        assertThat(Templates.resolve("{{ params.date } }}", CTX)).isEqualTo("{{ params.date } }}");
        assertThat(Templates.resolve("{{params.date}", CTX)).isEqualTo("{{params.date}");
        assertThat(Templates.resolve("{{params.date", CTX)).isEqualTo("{{params.date");
        assertThat(Templates.resolve("{{\t\r\n\u000B\fparams.date \n}}", CTX)).isEqualTo("2026-11-01");
        assertThat(Templates.resolve("{{   }}", CTX)).as("an empty reference is an unknown shape").isEqualTo("{{}}");
        assertThat(Templates.resolve("{{\u00A0params.date}}", CTX)).as("only ASCII whitespace is trimmed")
                .isEqualTo("{{\u00A0params.date}}");
        assertThat(Templates.references("{{x}}}}{{y}}")).extracting(Templates.Ref::text).containsExactly("x", "y");
    }

    @Test
    @Timeout(value = 5, threadMode = SEPARATE_THREAD)
    void aMebibyteOfWhitespaceAfterOpeningBracesIsScannedOnce() {
        String text = "{{" + " ".repeat(1 << 20);
        assertThat(Templates.references(text)).isEmpty();
        assertThat(Templates.resolve(text, CTX)).isEqualTo(text);
        assertThat(Templates.resolve(text + "params.date }}", CTX)).isEqualTo("2026-11-01");
    }

    @Test
    @Timeout(value = 5, threadMode = SEPARATE_THREAD)
    void aMebibyteOfOpeningBracesThatNeverCloseIsScannedOnce() {
        String chunk = "{{" + " ".repeat(1022);
        String text = chunk.repeat(1024) + "{{params.date}}";
        assertThat(Templates.references(text)).extracting(Templates.Ref::param).containsExactly("date");
        assertThat(Templates.resolve(text, CTX)).hasSize(1024 * 1024 + 10).startsWith("{{   ").endsWith("  2026-11-01");
        assertThat(Templates.references("{{ ".repeat(349_526))).isEmpty();
        assertThat(Templates.references("{".repeat(1 << 20))).isEmpty();
    }
}
