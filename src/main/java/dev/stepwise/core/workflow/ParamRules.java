package dev.stepwise.core.workflow;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.core.status.StatusBudget;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A param's own rules: {@code enum}, {@code pattern} (RE2, matched against the whole value, in time linear in it)
 * and {@code maxLength} (characters). Every value from every trigger is checked here before a Run pins its
 * revision; the WorkflowValidator checks a Workflow's defaults and schedule params with the same rules.
 */
public final class ParamRules {
    /** How much of a value a message shows: a hostile value is not echoed whole into status or events. */
    static final int SHOWN_BYTES = 64;

    private ParamRules() {
    }

    /** Why the param's pattern is no RE2 expression, if it is not. */
    public static Optional<String> patternProblem(Param p) {
        try {
            compiled(p);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("param '" + p.name + "': pattern " + p.pattern + " is not an RE2 regular expression: "
                    + e.getDescription());
        }
    }

    private static Optional<Pattern> compiled(Param p) {
        return p.pattern == null ? Optional.empty() : Optional.of(Pattern.compile(p.pattern));
    }

    /** Each rule of the param the value breaks, as a message naming the param and the rule. */
    public static List<String> problems(Param p, String value) {
        return problems(p, value, "value");
    }

    /**
     * @param what what the value is in the message ("value", "default"); a pattern that is no RE2 expression
     *             is a problem too (no value passes it)
     */
    public static List<String> problems(Param p, String value, String what) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        String head = "param '" + p.name + "': " + what + " " + shown(value);
        int length = value.codePointCount(0, value.length());
        int max = p.maxLength == null ? Param.MAX_VALUE_LENGTH : Math.min(p.maxLength, Param.MAX_VALUE_LENGTH);
        if (length > max) {
            out.add(head + " is " + length + " characters long, more than maxLength " + max);
        }
        if (p.allowed != null && !p.allowed.isEmpty() && !p.allowed.contains(value)) {
            out.add(head + " is not one of enum " + allowed(p.allowed));
        }
        try {
            if (compiled(p).filter(re -> !re.matches(value)).isPresent()) {
                out.add(head + " does not match pattern " + p.pattern);
            }
        } catch (PatternSyntaxException e) {
            out.add(patternProblem(p).orElseThrow());
        }
        return out;
    }

    /** The value quoted, its start only when long, control characters escaped. */
    static String shown(String value) {
        String cut = StatusBudget.truncate(value, SHOWN_BYTES);
        StringBuilder b = new StringBuilder("\"");
        cut.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }

    private static String allowed(List<String> values) {
        List<String> shown = values.stream().limit(10).map(ParamRules::shown).toList();
        return "[" + String.join(", ", shown) + (values.size() > 10 ? ", ... " + (values.size() - 10) + " more" : "") + "]";
    }
}
