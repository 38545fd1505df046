package dev.stepwise.core.expr;

import dev.stepwise.core.status.StatusCopy;

import dev.stepwise.api.v1alpha1.Step;
import io.fabric8.kubernetes.api.model.EnvVar;

import java.util.List;
import java.util.stream.Collectors;

/** Resolves the {@code {{...}}} templates of a step's command, args and env values. */
public final class StepTemplating {
    private StepTemplating() {
    }

    public static Step resolve(Step step, Templates.Context ctx) {
        Step out = StatusCopy.of(step);
        out.command = resolveAll(out.command, ctx);
        out.args = resolveAll(out.args, ctx);
        if (out.env != null) {
            for (EnvVar e : out.env) {
                if (e.getValue() != null) {
                    e.setValue(Templates.resolve(e.getValue(), ctx));
                }
            }
        }
        return out;
    }

    /** Every text of a step that may hold templates: command, args and env values. */
    public static List<String> texts(Step step) {
        List<String> texts = new java.util.ArrayList<>();
        if (step.command != null) {
            texts.addAll(step.command);
        }
        if (step.args != null) {
            texts.addAll(step.args);
        }
        if (step.env != null) {
            step.env.stream().map(EnvVar::getValue).filter(java.util.Objects::nonNull).forEach(texts::add);
        }
        return texts;
    }

    private static List<String> resolveAll(List<String> texts, Templates.Context ctx) {
        return texts == null ? null : texts.stream().map(t -> Templates.resolve(t, ctx)).collect(Collectors.toList());
    }
}
