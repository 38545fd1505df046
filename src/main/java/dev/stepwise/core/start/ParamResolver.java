package dev.stepwise.core.start;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.core.workflow.ParamRules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a Run's params: the Run's own values, then the workflow's defaults. Every value, given or defaulted,
 * must keep its param's rules ({@link ParamRules}); whatever trigger made the Run, it is resolved here.
 */
public final class ParamResolver {
    private ParamResolver() {
    }

    /** The resolved params, or the problems (missing required, unknown names, broken rules) that stop the Run. */
    public record Result(Map<String, String> params, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Result resolve(List<Param> declared, Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<Param> params = declared == null ? List.of() : declared;
        Map<String, String> values = given == null ? Map.of() : given;
        for (Param p : params) {
            String v = values.containsKey(p.name) ? values.get(p.name) : p.defaultValue;
            if (v == null && p.requiredOrDefault()) {
                problems.add("missing required param '" + p.name + "'");
            } else {
                problems.addAll(ParamRules.problems(p, v));
                out.put(p.name, v == null ? "" : v);
            }
        }
        for (String name : values.keySet()) {
            if (params.stream().noneMatch(p -> p.name.equals(name))) {
                problems.add("unknown param '" + name + "'");
            }
        }
        return new Result(out, problems);
    }

    /** {@code PARAM_<NAME>}: upper-cased, '-' to '_'. */
    public static String envName(String param) {
        return "PARAM_" + param.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
