package dev.stepwise.core.workflow;

import dev.stepwise.core.Fixtures;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.RetryPolicy;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepDefaults;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.stepwise.core.Fixtures.sleepStep;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static dev.stepwise.core.Fixtures.waitStep;
import static dev.stepwise.core.Fixtures.withArgs;
import static dev.stepwise.core.Fixtures.withOutputs;
import static org.assertj.core.api.Assertions.assertThat;

class WorkflowValidatorTest {
    private static final WorkflowValidator.InstanceTypes TYPES =
            new WorkflowValidator.InstanceTypes(Set.of("small", "large"), List.of("small"));

    private static List<String> validate(WorkflowSpec spec) {
        return WorkflowValidator.validate(spec, TYPES);
    }

    private static WorkflowSpec validSpec() {
        Step extract = withOutputs(withArgs(step("extract"), "--date", "{{params.date}}", "{{run.name}}"), "rows");
        extract.instanceType = "large";
        extract.timeout = "1h";
        extract.pendingTimeout = "15m";
        extract.retry = Fixtures.retry(3, RetryPolicy.Backoff.exponential, "10s", "10m", 2);
        Step load = step("load", "extract");
        load.when = "steps.extract.outputs.rows != '0' && params.table == 'orders'";
        load.command = new ArrayList<>(List.of("load", "--rows", "{{ steps.extract.outputs.rows }}"));
        load.env = new ArrayList<>(List.of(new EnvVar("TABLE", "{{params.table}}", null),
                new EnvVarBuilder().withName("FROM_SECRET").withNewValueFrom().withNewSecretKeyRef("k", "s", false)
                        .endValueFrom().build()));
        Step approve = waitStep("approve", "approval", "24h", "load");
        Step coolDown = sleepStep("cool-down", "10m", "approve");
        Step report = withArgs(step("report", "cool-down"), "{{steps.extract.outputs.rows}}", "{{workflow.name}}",
                "{{run.namespace}}");
        WorkflowSpec w = spec(extract, load, approve, coolDown, report);
        w.params = new ArrayList<>(List.of(new Param("date", "2026-01-01"), Fixtures.required("table")));
        StepDefaults d = new StepDefaults();
        d.instanceType = "small";
        d.timeout = "30m";
        w.defaults = d;
        return w;
    }

    @Test
    void validWorkflowHasNoProblems() {
        assertThat(validate(validSpec())).isEmpty();
    }

    @Test
    void imageFromDefaultsSatisfiesContainerSteps() {
        Step s = step("a");
        s.image = null;
        StepDefaults d = new StepDefaults();
        d.image = "busybox";
        assertThat(validate(Fixtures.withDefaults(spec(s), d))).isEmpty();
    }

    @Test
    void emptyWorkflowIsAProblem() {
        assertThat(validate(spec())).containsExactly("the workflow has no steps");
        assertThat(WorkflowValidator.validate(null, TYPES)).containsExactly("the workflow has no steps");
    }

    @Test
    void cycleIsReported() {
        assertThat(validate(spec(step("a", "b"), step("b", "a"))))
                .singleElement().asString().startsWith("steps form a cycle: ");
    }

    @Test
    void unknownParentIsReported() {
        assertThat(validate(spec(step("a", "nope"))))
                .containsExactly("step 'a' depends on unknown step 'nope'");
    }

    @Test
    void duplicateStepIsReported() {
        assertThat(validate(spec(step("a"), step("a")))).containsExactly("duplicate step name 'a'");
    }

    @Test
    void duplicateParamIsReported() {
        WorkflowSpec w = Fixtures.withParams(spec(step("a")), new Param("p", "1"), new Param("p", "2"));
        assertThat(validate(w)).containsExactly("duplicate param 'p'");
    }

    @Test
    void unknownInstanceTypeOfAStepIsReported() {
        Step s = step("a");
        s.instanceType = "huge";
        assertThat(validate(spec(s))).containsExactly("step 'a' uses unknown InstanceType 'huge'");
    }

    @Test
    void unknownInstanceTypeInDefaultsIsReportedOnce() {
        StepDefaults d = new StepDefaults();
        d.instanceType = "huge";
        assertThat(validate(Fixtures.withDefaults(spec(step("a"), step("b")), d)))
                .containsExactly("defaults use unknown InstanceType 'huge'");
    }

    @Test
    void badCelInWhenIsReportedWithTheCompilerMessage() {
        Step s = step("a");
        s.when = "params.x ==";
        assertThat(validate(spec(s))).singleElement().asString().startsWith("step 'a' has invalid when: ");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aRegexInWhenWhoseCountsMultiplyIntoABombIsRefusedNamingTheStep() {
        Step s = step("a");
        s.when = "params.x.matches('((a{1000}){1000}){1000}')";
        assertThat(validate(spec(s))).containsExactly("step 'a' has invalid when: the pattern of matches() "
                + "'((a{1000}){1000}){1000}' repeats a part 1000000000 times (counted repetitions, multiplied where "
                + "nested); at most 1000 are allowed");
    }

    @Test
    void whenThatIsNotBooleanIsReported() {
        Step s = step("a");
        s.when = "params.x";
        assertThat(validate(spec(s))).singleElement().asString().startsWith("step 'a' has invalid when: ");
    }

    @Test
    void templateReferenceToUnknownParamIsReported() {
        assertThat(validate(spec(withArgs(step("a"), "{{params.nope}}"))))
                .containsExactly("step 'a' uses {{params.nope}}: no param 'nope'");
    }

    @Test
    void templateReferenceToUnknownStepIsReported() {
        assertThat(validate(spec(withArgs(step("a"), "{{steps.ghost.outputs.x}}"))))
                .containsExactly("step 'a' uses {{steps.ghost.outputs.x}}: no step 'ghost'");
    }

    @Test
    void templateReferenceToUndeclaredOutputIsReported() {
        WorkflowSpec w = spec(withOutputs(step("a"), "x"), withArgs(step("b", "a"), "{{steps.a.outputs.y}}"));
        assertThat(validate(w)).containsExactly("step 'b' uses {{steps.a.outputs.y}}: step 'a' declares no output 'y'");
    }

    @Test
    void templateReferenceToANonAncestorStepIsReported() {
        WorkflowSpec w = spec(withOutputs(step("a"), "x"), withArgs(step("b"), "{{steps.a.outputs.x}}"));
        assertThat(validate(w)).containsExactly("step 'b' uses {{steps.a.outputs.x}} but does not depend on step 'a'");
    }

    @Test
    void templateReferenceToATransitiveAncestorIsFine() {
        WorkflowSpec w = spec(withOutputs(step("a"), "x"), step("b", "a"), withArgs(step("c", "b"), "{{steps.a.outputs.x}}"));
        assertThat(validate(w)).isEmpty();
    }

    @Test
    void unknownTemplateShapeIsReported() {
        assertThat(validate(spec(withArgs(step("a"), "{{secrets.token}}"))))
                .containsExactly("step 'a' uses unknown template {{secrets.token}}");
    }

    @Test
    void templatesInCommandAndEnvValuesAreCheckedToo() {
        Step s = step("a");
        s.command = new ArrayList<>(List.of("{{params.c}}"));
        s.env = new ArrayList<>(List.of(new EnvVar("E", "{{params.e}}", null)));
        assertThat(validate(spec(s))).containsExactly("step 'a' uses {{params.c}}: no param 'c'",
                "step 'a' uses {{params.e}}: no param 'e'");
    }

    @Test
    void containerStepWithoutImageIsReported() {
        Step s = step("a");
        s.image = null;
        assertThat(validate(spec(s))).containsExactly("step 'a' has no image (set image or defaults.image)");
    }

    @Test
    void sleepAndWaitStepsNeedNoImage() {
        assertThat(validate(spec(sleepStep("s", "1m"), waitStep("w", "go", null)))).isEmpty();
    }

    @Test
    void badDurationsAreReported() {
        Step sleep = sleepStep("s", "ten minutes");
        Step wait = waitStep("w", "go", "1 day");
        Step retried = step("r");
        retried.retry = Fixtures.retry(1, RetryPolicy.Backoff.constant, "10", "5x");
        assertThat(validate(spec(sleep, wait, retried))).containsExactly(
                "step 's' duration 'ten minutes' is not a duration such as 90s, 10m or 1h30m",
                "step 'w' event timeout '1 day' is not a duration such as 90s, 10m or 1h30m",
                "step 'r' retry delay '10' is not a duration such as 90s, 10m or 1h30m",
                "step 'r' retry maxDelay '5x' is not a duration such as 90s, 10m or 1h30m");
    }

    @Test
    void badTimeoutIsReportedNamingTheFieldWithoutHidingOtherProblemsOfTheStep() {
        Step s = step("a");
        s.image = null;
        s.timeout = "forever";
        s.pendingTimeout = "soon";
        s.instanceType = "huge";
        List<String> problems = validate(spec(s));
        assertThat(problems).contains(
                "step 'a' timeout 'forever' is not a duration such as 90s, 10m or 1h30m",
                "step 'a' pendingTimeout 'soon' is not a duration such as 90s, 10m or 1h30m",
                "step 'a' has no image (set image or defaults.image)",
                "step 'a' uses unknown InstanceType 'huge'");
    }

    @Test
    void badDefaultTimeoutIsReportedOnceNotPerStep() {
        StepDefaults d = new StepDefaults();
        d.timeout = "1d";
        List<String> problems = validate(Fixtures.withDefaults(spec(step("a"), step("b")), d));
        assertThat(problems).containsExactly("defaults timeout '1d' is not a duration such as 90s, 10m or 1h30m");
    }

    @Test
    void invalidOutputNameIsReported() {
        assertThat(validate(spec(withOutputs(step("a"), "bad name"))))
                .containsExactly("step 'a' declares invalid output name 'bad name'");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Step a = step("a", "b");                    // cycle a <-> b
        Step b = step("b", "a");
        Step c = step("c", "missing");              // unknown parent
        Step dup1 = step("dup");
        Step dup2 = step("dup");                    // duplicate
        Step it = step("it");
        it.instanceType = "gpu";                    // unknown InstanceType
        Step cel = step("cel");
        cel.when = "steps.a.phase ==";              // bad CEL
        Step refs = withArgs(step("refs"), "{{params.nope}}", "{{steps.ghost.outputs.x}}",
                "{{steps.src.outputs.y}}", "{{steps.src.outputs.x}}");  // unknown param, step, output
        Step src = withOutputs(step("src"), "x");
        Step noImage = step("no-image");
        noImage.image = null;                       // container without image
        Step sleep = sleepStep("nap", "forever");   // bad duration

        List<String> problems = validate(spec(a, b, c, dup1, dup2, it, cel, refs, src, noImage, sleep));

        assertThat(problems).anyMatch(p -> p.startsWith("steps form a cycle: "));
        assertThat(problems).contains(
                "step 'c' depends on unknown step 'missing'",
                "duplicate step name 'dup'",
                "step 'it' uses unknown InstanceType 'gpu'",
                "step 'refs' uses {{params.nope}}: no param 'nope'",
                "step 'refs' uses {{steps.ghost.outputs.x}}: no step 'ghost'",
                "step 'refs' uses {{steps.src.outputs.y}}: step 'src' declares no output 'y'",
                "step 'no-image' has no image (set image or defaults.image)",
                "step 'nap' duration 'forever' is not a duration such as 90s, 10m or 1h30m");
        assertThat(problems).anyMatch(p -> p.startsWith("step 'cel' has invalid when: "));
        // the ancestor check needs a valid graph: it is not guessed while the graph is broken
        assertThat(problems).noneMatch(p -> p.contains("does not depend on"));
        assertThat(problems).hasSize(10);
    }

    private static Param param(String name, String defaultValue, String pattern, Integer maxLength, String... allowed) {
        Param p = new Param(name, defaultValue);
        p.pattern = pattern;
        p.maxLength = maxLength;
        p.allowed = allowed.length == 0 ? null : List.of(allowed);
        return p;
    }

    @Test
    void paramRulesThatNoValueOrNotTheDefaultKeepsAreNamed() {
        WorkflowSpec w = validSpec();
        w.params = new ArrayList<>(List.of(new Param("date", "2026-01-01"), Fixtures.required("table"),
                param("bad", null, "^(unclosed$", null),
                param("mode", "partial", null, null, "full", "delta"),
                param("day", "monday", "^\\d+$", null),
                param("note", "too long", null, 3)));

        assertThat(validate(w)).containsExactlyInAnyOrder(
                "param 'bad': pattern ^(unclosed$ is not an RE2 regular expression: missing closing )",
                "param 'mode': default \"partial\" is not one of enum [\"full\", \"delta\"]",
                "param 'day': default \"monday\" does not match pattern ^\\d+$",
                "param 'note': default \"too long\" is 8 characters long, more than maxLength 3");
    }

    @Test
    void scheduleParamsThatBreakTheirParamsRulesAreNamed() {
        WorkflowSpec w = validSpec();
        w.params.add(param("mode", "full", "^[a-z]+$", null, "full", "delta"));
        var s = new dev.stepwise.api.v1alpha1.Schedule("0 2 * * *", null);
        s.params.put("mode", "FULL");
        w.schedules = new ArrayList<>(List.of(s));

        assertThat(validate(w)).containsExactly(
                "schedules[0] param 'mode': value \"FULL\" is not one of enum [\"full\", \"delta\"]",
                "schedules[0] param 'mode': value \"FULL\" does not match pattern ^[a-z]+$");
    }

    @Test
    void aRepositoryTokenIsRefusedForAnythingButHttps() {
        WorkflowSpec w = validSpec();
        dev.stepwise.api.v1alpha1.Repository repo = new dev.stepwise.api.v1alpha1.Repository();
        repo.url = "http://git.example.com/etl.git";
        repo.tokenSecretRef = new io.fabric8.kubernetes.api.model.SecretKeySelector("token", "git", false);
        w.steps.get(0).repository = repo;
        assertThat(validate(w)).singleElement().asString()
                .contains("step 'extract'", "http://git.example.com/etl.git", "not an https:// URL", "in the clear");

        repo.url = "https://git.example.com/etl.git";
        assertThat(validate(w)).isEmpty();
        // without a token any URL will do: there is nothing to leak
        repo.url = "git://git.example.com/etl.git";
        repo.tokenSecretRef = null;
        assertThat(validate(w)).isEmpty();
    }
}
