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
        for (Span s = find(text, 0); s != null; s = find(text, s.end())) {
            refs.add(parse(s.expr()));
        }
        return refs;
    }

    /** Where a reference stands in its text, {@code [start, end)}, and what it says, whitespace trimmed. */
    private record Span(int start, int end, String expr) {
    }

    /**
     * The first reference at or after {@code from}, leftmost first, as the regex
     * <code>\{\{\s*([^{}]*?)\s*}}</code> found them, but in one pass: "{{", text without braces, "}}".
     * A "{{" whose first brace after it is not "}}" starts no reference, and no other "{{" starts before
     * that brace (but one character on, in "{{{"), so each character is scanned once, not once per "{{"
     * before it (the regex backtracked: O(n^3) on "{{" and n spaces).
     */
    private static Span find(String text, int from) {
        for (int open = text.indexOf("{{", from); open >= 0; open = text.indexOf("{{", open + 1)) {
            int close = open + 2;
            while (close < text.length() && text.charAt(close) != '{' && text.charAt(close) != '}') {
                close++;
            }
            if (text.startsWith("}}", close)) {
                return new Span(open, close + 2, trim(text, open + 2, close));
            }
        }
        return null;
    }

    /** {@code text[from, to)} without leading and trailing regex {@code \s}: space, tab, newline, VT, FF, CR. */
    private static String trim(String text, int from, int to) {
        while (from < to && isSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(text.charAt(to - 1))) {
            to--;
        }
        return text.substring(from, to);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
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
        return resolve(text, ctx, new Budget(Long.MAX_VALUE));
    }

    /**
     * Resolves as {@link #resolve(String, Context)}, counting the result against {@code budget}; once it is
     * spent the rest is left out, so N references to a large value never build N copies of it.
     */
    public static String resolve(String text, Context ctx, Budget budget) {
        if (text == null) {
            return null;
        }
        if (!text.contains("{{")) {
            budget.take(text, 0, text.length());
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Span s = find(text, 0); s != null; s = find(text, s.end())) {
            String value = valueOf(parse(s.expr()), ctx);
            if (!budget.take(text, at, s.start()) || !budget.take(value, 0, value.length())) {
                return out.toString();
            }
            out.append(text, at, s.start()).append(value);
            at = s.end();
        }
        budget.take(text, at, text.length());
        return out.append(text, at, text.length()).toString();
    }

    /** The bytes (UTF-8) resolved texts may still take; one budget is shared by the texts of one step. */
    public static final class Budget {
        private long left;

        public Budget(long bytes) {
            left = bytes;
        }

        /** Counts {@code text[from, to)}; false once more was taken than the budget held. */
        boolean take(String text, int from, int to) {
            for (int i = from; i < to && left >= 0; i++) {
                char c = text.charAt(i);
                // a surrogate pair is 4 bytes, 2 per half
                left -= c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            }
            return left >= 0;
        }

        public boolean spent() {
            return left < 0;
        }
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
