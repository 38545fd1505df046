package dev.stepwise.core.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A step's {@code when}: a CEL expression over {@code params} (map of strings) and
 * {@code steps} (map of step name to {outputs: map of strings, phase: string}).
 */
public final class WhenExpressions {
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("params", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final int CACHED_PROGRAMS = 1024;
    private static final Map<String, CelRuntime.Program> PROGRAMS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CelRuntime.Program> eldest) {
            return size() > CACHED_PROGRAMS;
        }
    };

    private WhenExpressions() {
    }

    /** The compile error of an expression, if any (the message says what and where). */
    public static Optional<String> check(String expr) {
        try {
            COMPILER.compile(expr).getAst();
            return Optional.empty();
        } catch (CelValidationException e) {
            return Optional.of(e.getMessage().replaceAll("\\s+", " ").trim());
        }
    }

    /** A step's view for CEL. */
    public record StepFacts(String phase, Map<String, String> outputs) {
    }

    /** Evaluates an expression; an error at run time (a missing key, say) is returned as the message. */
    public static Result evaluate(String expr, Map<String, String> params, Map<String, StepFacts> steps) {
        try {
            CelRuntime.Program program = program(expr);
            // converted on lookup: an expression reads a step or two, not every step of the Run
            Map<String, Object> stepVars = LazyMaps.view(steps.keySet(), name -> {
                StepFacts f = steps.get(name);
                return Map.of("phase", f.phase(), "outputs", f.outputs());
            });
            Object value = program.eval(Map.of("params", params, "steps", stepVars));
            return new Result(Boolean.TRUE.equals(value), null);
        } catch (CelValidationException | CelEvaluationException e) {
            return new Result(false, e.getMessage().replaceAll("\\s+", " ").trim());
        }
    }

    /** Compiled once per expression: every plan of a Run evaluates the same few expressions again. */
    private static CelRuntime.Program program(String expr) throws CelValidationException, CelEvaluationException {
        synchronized (PROGRAMS) {
            CelRuntime.Program p = PROGRAMS.get(expr);
            if (p != null) {
                return p;
            }
        }
        CelAbstractSyntaxTree ast = COMPILER.compile(expr).getAst();
        CelRuntime.Program p = RUNTIME.createProgram(ast);
        synchronized (PROGRAMS) {
            PROGRAMS.put(expr, p);
        }
        return p;
    }

    /** Outcome of evaluation: the value, or the error that made it false. */
    public record Result(boolean value, String error) {
    }
}
