package dev.stepwise.core.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {{...}}} templates of command, args and env values: {@code params.NAME},
 * {@code steps.STEP.outputs.NAME}, {@code run.name}, {@code run.namespace}, {@code workflow.name}.
 */
public final class Templates {
    private static final Pattern REF = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
    private static final Pattern PARAM = Pattern.compile("params\\.([a-zA-Z_][a-zA-Z0-9_-]*)");
    private static final Pattern OUTPUT = Pattern.compile("steps\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.outputs\\.([a-zA-Z_][a-zA-Z0-9_-]*)");
    private static final List<String> RUN_FIELDS = List.of("run.name", "run.namespace", "workflow.name");

    private Templates() {
    }

    /** A parsed reference. Exactly one of the kinds applies. */
    public record Ref(String text, String param, String step, String output, String builtin) {
        public boolean isKnownShape() {
            return param != null || step != null || builtin != null;
        }
    }

    /** Every reference in a text, in order. */
    public static List<Ref> references(String text) {
        List<Ref> refs = new ArrayList<>();
        if (text == null) {
            return refs;
        }
        Matcher m = REF.matcher(text);
        while (m.find()) {
            refs.add(parse(m.group(1)));
        }
        return refs;
    }

    private static Ref parse(String expr) {
        Matcher p = PARAM.matcher(expr);
        if (p.matches()) {
            return new Ref(expr, p.group(1), null, null, null);
        }
        Matcher o = OUTPUT.matcher(expr);
        if (o.matches()) {
            return new Ref(expr, null, o.group(1), o.group(3), null);
        }
        if (RUN_FIELDS.contains(expr)) {
            return new Ref(expr, null, null, null, expr);
        }
        return new Ref(expr, null, null, null, null);
    }

    /** The values a template can draw on. */
    public record Context(Map<String, String> params, Map<String, Map<String, String>> outputs,
                          String runName, String runNamespace, String workflowName) {
    }

    /** Resolves every reference; one with no value (an output a skipped step never wrote) becomes empty. */
    public static String resolve(String text, Context ctx) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(valueOf(parse(m.group(1)), ctx)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String valueOf(Ref ref, Context ctx) {
        if (ref.param() != null) {
            return ctx.params().getOrDefault(ref.param(), "");
        }
        if (ref.step() != null) {
            return ctx.outputs().getOrDefault(ref.step(), Map.of()).getOrDefault(ref.output(), "");
        }
        if (ref.builtin() != null) {
            return switch (ref.builtin()) {
                case "run.name" -> ctx.runName();
                case "run.namespace" -> ctx.runNamespace();
                default -> ctx.workflowName();
            };
        }
        return "{{" + ref.text() + "}}";
    }
}
