package dev.stepwise.core.start;

import dev.stepwise.core.graph.Dag;

import dev.stepwise.api.v1alpha1.RunSpec;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.EnvVar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What in a Run's spec must agree with the revision it pins: step names in stepParams and stepsToRun,
 * and the env names stepParams set, which must be ones the step declares in its own env (so a Run cannot
 * slip NODE_OPTIONS, LD_PRELOAD or GIT_CONFIG_* into a step). Problems fail the Run before it starts,
 * all named at once.
 */
final class RunSpecCheck {
    /** What Kubernetes accepts as an env var name (and a shell can read). */
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private RunSpecCheck() {
    }

    static List<String> problems(RunSpec spec, WorkflowSpec template) {
        List<String> problems = new ArrayList<>();
        Dag dag = Dag.of(template.steps);
        if (spec.stepParams != null) {
            for (Map.Entry<String, Map<String, String>> e : spec.stepParams.entrySet()) {
                if (!dag.has(e.getKey())) {
                    problems.add("stepParams names unknown step '" + e.getKey() + "'" + known(dag));
                    continue;
                }
                Set<String> declared = declaredEnv(dag.step(e.getKey()));
                for (String env : e.getValue() == null ? List.<String>of() : e.getValue().keySet()) {
                    if (!ENV_NAME.matcher(env).matches()) {
                        problems.add("stepParams." + e.getKey() + ": '" + env + "' is not a valid environment variable name");
                    } else if (!declared.contains(env)) {
                        problems.add("stepParams." + e.getKey() + ": step '" + e.getKey() + "' declares no env '" + env
                                + "' (stepParams may only set env names the step declares in env" + declaredList(declared) + ")");
                    }
                }
            }
        }
        if (spec.stepsToRun != null) {
            for (RunSpec.StepSelector sel : spec.stepsToRun) {
                if (sel == null || sel.name == null || !dag.has(sel.name)) {
                    problems.add("stepsToRun names unknown step '" + (sel == null ? null : sel.name) + "'" + known(dag));
                }
            }
        }
        return problems;
    }

    private static Set<String> declaredEnv(Step step) {
        Set<String> names = new TreeSet<>();
        for (EnvVar env : step == null || step.env == null ? List.<EnvVar>of() : step.env) {
            if (env != null && env.getName() != null) {
                names.add(env.getName());
            }
        }
        return names;
    }

    private static String declaredList(Set<String> declared) {
        if (declared.isEmpty()) {
            return "; it declares none";
        }
        return ": " + first20(List.copyOf(declared));
    }

    private static String known(Dag dag) {
        return " (steps: " + first20(dag.names()) + ")";
    }

    private static String first20(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(20, names.size()))) + (names.size() > 20 ? ", ..." : "");
    }
}
