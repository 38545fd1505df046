package dev.stepwise.core.expr;

import dev.stepwise.core.status.StatusCopy;

import dev.stepwise.api.v1alpha1.Step;
import io.fabric8.kubernetes.api.model.EnvVar;

import java.util.ArrayList;
import java.util.List;

/** Resolves the {@code {{...}}} templates of a step's command, args and env values. */
public final class StepTemplating {
    /**
     * The most a step's command, args and env values may hold once resolved, in bytes (UTF-8). A template
     * multiplies: a few KiB of {@code {{params.x}}} can stand for gigabytes. Kubernetes stores an object of
     * at most about 1.5 MiB (the Job, and the pod made from it, also carry the PARAM_ env and everything
     * else), and Linux refuses to exec a single argument or env string over 128 KiB; real commands are a
     * few KiB, so 256 KiB leaves room on both sides.
     */
    public static final int MAX_RESOLVED_BYTES = 256 * 1024;

    private StepTemplating() {
    }

    /** A step with its templates resolved, or why there is none (and so no Job). */
    public record Resolved(Step step, String problem) {
    }

    public static Resolved resolve(Step step, Templates.Context ctx) {
        Resolver r = new Resolver(ctx);
        Step out = StatusCopy.of(step);
        out.command = r.all("command", out.command);
        out.args = r.all("args", out.args);
        if (out.env != null) {
            for (EnvVar e : out.env) {
                if (e.getValue() != null) {
                    e.setValue(r.one("env " + e.getName(), e.getValue()));
                }
            }
        }
        return r.over == null ? new Resolved(out, null) : new Resolved(null, "the templates of step '" + step.name
                + "' resolve to more than " + MAX_RESOLVED_BYTES / 1024 + " KiB of command, args and env values, "
                + "passing the limit at " + r.over + ": no Job is created");
    }

    /** Every text of a step that may hold templates: command, args and env values. */
    public static List<String> texts(Step step) {
        List<String> texts = new ArrayList<>();
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

    /** Resolves a step's texts within one budget, and names the field where it ran out. */
    private static final class Resolver {
        private final Templates.Context ctx;
        private final Templates.Budget budget = new Templates.Budget(MAX_RESOLVED_BYTES);
        private String over;

        Resolver(Templates.Context ctx) {
            this.ctx = ctx;
        }

        String one(String field, String text) {
            if (over != null) {
                return text;
            }
            String resolved = Templates.resolve(text, ctx, budget);
            if (budget.spent()) {
                over = field;
            }
            return resolved;
        }

        List<String> all(String field, List<String> texts) {
            if (texts == null) {
                return null;
            }
            List<String> out = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                out.add(one(field + "[" + i + "]", texts.get(i)));
            }
            return out;
        }
    }
}
