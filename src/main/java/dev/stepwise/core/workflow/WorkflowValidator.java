package dev.stepwise.core.workflow;

import dev.stepwise.core.RepositoryUrls;

import dev.stepwise.core.expr.StepTemplating;
import dev.stepwise.core.expr.Templates;
import dev.stepwise.core.expr.WhenExpressions;
import dev.stepwise.core.graph.Dag;
import dev.stepwise.api.v1alpha1.EventWait;
import dev.stepwise.core.time.GoDuration;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepType;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.EnvVar;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything wrong with a Workflow spec that the CRD schema cannot catch: the graph, InstanceTypes,
 * CEL, durations and template references. An empty list means valid.
 */
public final class WorkflowValidator {
    private static final Pattern OUTPUT_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_-]*$");

    private WorkflowValidator() {
    }

    /** What the validator needs to know of the cluster: which InstanceTypes exist, which are marked default. */
    public record InstanceTypes(Set<String> names, List<String> defaults) {
    }

    public static List<String> validate(WorkflowSpec spec, InstanceTypes instanceTypes) {
        List<String> problems = new ArrayList<>();
        if (spec == null || spec.steps == null || spec.steps.isEmpty()) {
            problems.add("the workflow has no steps");
            return problems;
        }
        Dag dag = Dag.of(spec.steps);
        problems.addAll(dag.problems());
        Set<String> params = new HashSet<>();
        for (Param p : spec.params == null ? List.<Param>of() : spec.params) {
            if (!params.add(p.name)) {
                problems.add("duplicate param '" + p.name + "'");
            }
            checkParamRules(p, problems);
        }
        if (spec.defaults != null && spec.defaults.instanceType != null
                && !instanceTypes.names().contains(spec.defaults.instanceType)) {
            problems.add("defaults use unknown InstanceType '" + spec.defaults.instanceType + "'");
        }
        if (spec.defaults != null) {
            // checked once here, not once per step that inherits them
            checkDuration("defaults timeout", spec.defaults.timeout, problems);
            checkDuration("defaults pendingTimeout", spec.defaults.pendingTimeout, problems);
            if (spec.defaults.retry != null) {
                checkDuration("defaults retry delay", spec.defaults.retry.delay, problems);
                checkDuration("defaults retry maxDelay", spec.defaults.retry.maxDelay, problems);
            }
        }
        for (Step step : spec.steps) {
            validateStep(spec, step, dag, params, instanceTypes, problems);
        }
        checkDuration("timeout", spec.timeout, problems);
        if (spec.webhook != null && spec.webhook.isEnabled() && (spec.webhook.tokenSecretRef == null
                || spec.webhook.tokenSecretRef.getName() == null || spec.webhook.tokenSecretRef.getKey() == null)) {
            problems.add("webhook.enabled needs webhook.tokenSecretRef (name and key of the Secret holding its token)");
        }
        problems.addAll(ScheduleDecision.problems(spec.schedules));
        for (int i = 0; spec.schedules != null && i < spec.schedules.size(); i++) {
            for (String name : spec.schedules.get(i).params == null ? Set.<String>of() : spec.schedules.get(i).params.keySet()) {
                if (!params.contains(name)) {
                    problems.add("schedules[" + i + "] sets unknown param '" + name + "'");
                }
            }
            checkScheduleParams(spec, i, problems);
        }
        List<String> onDefault = spec.steps.stream()
                .filter(st -> st.typeOrDefault() == StepType.container && st.instanceType == null
                        && (spec.defaults == null || spec.defaults.instanceType == null))
                .map(st -> st.name).toList();
        if (instanceTypes.defaults().size() > 1 && !onDefault.isEmpty()) {
            problems.add("several InstanceTypes are marked default (" + String.join(", ", instanceTypes.defaults())
                    + ") and steps " + String.join(", ", onDefault.subList(0, Math.min(5, onDefault.size())))
                    + (onDefault.size() > 5 ? " ..." : "") + " rely on the default: mark only one, or name an instanceType");
        }
        return problems;
    }

    private static void validateStep(WorkflowSpec spec, Step step, Dag dag, Set<String> params,
                                     InstanceTypes instanceTypes, List<String> problems) {
        String where = "step '" + step.name + "'";
        // durations are checked field by field (not through EffectiveStep, which throws on the first bad one),
        // so a bad timeout neither hides the step's other problems nor loses the name of the field
        String image = step.image != null ? step.image : spec.defaults == null ? null : spec.defaults.image;
        StepType type = step.typeOrDefault();
        if (type == StepType.container && (image == null || image.isBlank())) {
            problems.add(where + " has no image (set image or defaults.image)");
        }
        checkDuration(where + " timeout", step.timeout, problems);
        checkDuration(where + " pendingTimeout", step.pendingTimeout, problems);
        if (step.instanceType != null && !instanceTypes.names().contains(step.instanceType)) {
            problems.add(where + " uses unknown InstanceType '" + step.instanceType + "'");
        }
        checkDuration(where + " duration", step.duration, problems);
        String insecure = RepositoryUrls.problem(step.repository);
        if (insecure != null) {
            problems.add(where + ": " + insecure);
        }
        if (step.event != null) {
            checkDuration(where + " event timeout", step.event.timeout, problems);
        }
        if (step.retry != null) {
            checkDuration(where + " retry delay", step.retry.delay, problems);
            checkDuration(where + " retry maxDelay", step.retry.maxDelay, problems);
        }
        for (String out : step.outputs == null ? List.<String>of() : step.outputs) {
            if (!OUTPUT_NAME.matcher(out).matches()) {
                problems.add(where + " declares invalid output name '" + out + "'");
            }
        }
        if (step.when != null && !step.when.isBlank()) {
            WhenExpressions.check(step.when).ifPresent(err -> problems.add(where + " has invalid when: " + err));
        }
        for (String text : StepTemplating.texts(step)) {
            for (Templates.Ref ref : Templates.references(text)) {
                checkReference(where, step, ref, dag, params, problems);
            }
        }
    }

    /** A bad RE2 pattern, and a default that breaks its own param's rules (a Run without the param would fail). */
    private static void checkParamRules(Param p, List<String> problems) {
        Optional<String> badPattern = ParamRules.patternProblem(p);
        if (badPattern.isPresent()) {
            problems.add(badPattern.get());
            return;
        }
        problems.addAll(ParamRules.problems(p, p.defaultValue, "default"));
    }

    /** A schedule's values keep their params' rules: else every slot would start a Run that fails at once. */
    private static void checkScheduleParams(WorkflowSpec spec, int i, List<String> problems) {
        var given = spec.schedules.get(i).params;
        for (Param p : spec.params == null ? List.<Param>of() : spec.params) {
            if (given != null && given.containsKey(p.name) && ParamRules.patternProblem(p).isEmpty()) {
                ParamRules.problems(p, given.get(p.name)).forEach(m -> problems.add("schedules[" + i + "] " + m));
            }
        }
    }

    private static void checkDuration(String what, String value, List<String> problems) {
        if (value != null && !GoDuration.isValid(value)) {
            problems.add(what + " '" + value + "' is not a duration such as 90s, 10m or 1h30m");
        }
    }

    private static void checkReference(String where, Step step, Templates.Ref ref, Dag dag, Set<String> params,
                                       List<String> problems) {
        String shown = "{{" + ref.text() + "}}";
        if (!ref.isKnownShape()) {
            problems.add(where + " uses unknown template " + shown);
        } else if (ref.param() != null && !params.contains(ref.param())) {
            problems.add(where + " uses " + shown + ": no param '" + ref.param() + "'");
        } else if (ref.step() != null) {
            Step source = dag.step(ref.step());
            if (source == null) {
                problems.add(where + " uses " + shown + ": no step '" + ref.step() + "'");
            } else if (!declaresOutput(source, ref.output())) {
                problems.add(where + " uses " + shown + ": step '" + ref.step() + "' declares no output '" + ref.output() + "'");
            } else if (dag.isValid() && !dag.isAncestor(ref.step(), step.name)) {
                problems.add(where + " uses " + shown + " but does not depend on step '" + ref.step() + "'");
            }
        }
    }

    /** A waitForEvent step has one output of its own: the event's payload. */
    static boolean declaresOutput(Step step, String output) {
        if (step.typeOrDefault() == StepType.waitForEvent && EventWait.PAYLOAD_OUTPUT.equals(output)) {
            return true;
        }
        return step.outputs != null && step.outputs.contains(output);
    }
}
