package dev.stepwise.core.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
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
 * <p>
 * One tenant's expression must not stall or crash the operator for all, so it is bounded: its length (the
 * CRD's), its nesting, the iterations of comprehensions (no macros are enabled, so none can be written
 * today), and the patterns of {@code matches()} ({@link RegexLimits}: string literals only, so each is
 * checked before it ever runs).
 */
public final class WhenExpressions {
    /** The CRD's maxLength of {@code when}. */
    static final int MAX_EXPRESSION_CHARS = 4096;
    /** CEL's default, pinned: deeper nesting is refused before it can overflow the stack of a check or a run. */
    static final int MAX_NESTING = 250;
    static final int MAX_COMPREHENSION_ITERATIONS = 1000;
    private static final CelOptions OPTIONS = CelOptions.current()
            .maxExpressionCodePointSize(MAX_EXPRESSION_CHARS)
            .maxParseRecursionDepth(MAX_NESTING)
            .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
            .maxRegexProgramSize(RegexLimits.MAX_PROGRAM_SIZE)
            .build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .addVar("params", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final int CACHED_PROGRAMS = 1024;
    private static final Map<String, CelRuntime.Program> PROGRAMS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CelRuntime.Program> eldest) {
            return size() > CACHED_PROGRAMS;
        }
    };

    private WhenExpressions() {
    }

    /** The compile error of an expression, or why it may not run, if any (the message says what and where). */
    public static Optional<String> check(String expr) {
        try {
            compile(expr);
            return Optional.empty();
        } catch (CelValidationException | Refused e) {
            return Optional.of(oneLine(e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.of("it could not be checked: " + e);
        }
    }

    /** A step's view for CEL. */
    public record StepFacts(String phase, Map<String, String> outputs) {
    }

    /**
     * Evaluates an expression; an error at run time (a missing key, say) is returned as the message, and so is
     * anything else that goes wrong, so a bad expression fails its step, never the operator.
     */
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
        } catch (CelValidationException | CelEvaluationException | Refused e) {
            return new Result(false, oneLine(e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(false, oneLine(e.toString()));
        }
    }

    /** Compiled once per expression: every plan of a Run evaluates the same few expressions again. */
    private static CelRuntime.Program program(String expr) throws CelValidationException, CelEvaluationException, Refused {
        synchronized (PROGRAMS) {
            CelRuntime.Program p = PROGRAMS.get(expr);
            if (p != null) {
                return p;
            }
        }
        // checked again here: a revision published by an older operator was validated without the limits
        CelRuntime.Program p = RUNTIME.createProgram(compile(expr));
        synchronized (PROGRAMS) {
            PROGRAMS.put(expr, p);
        }
        return p;
    }

    private static CelAbstractSyntaxTree compile(String expr) throws CelValidationException, Refused {
        CelAbstractSyntaxTree ast = COMPILER.compile(expr).getAst();
        Optional<String> problem = CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .map(CelNavigableExpr::expr)
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.CALL && "matches".equals(e.call().function()))
                .map(WhenExpressions::patternProblem)
                .flatMap(Optional::stream)
                .findFirst();
        if (problem.isPresent()) {
            throw new Refused(problem.get());
        }
        return ast;
    }

    /** A pattern of matches() is a string literal within {@link RegexLimits}: a computed one could be anything. */
    private static Optional<String> patternProblem(CelExpr matches) {
        CelExpr.CelCall call = matches.call();
        // text.matches(pattern) or matches(text, pattern)
        int at = call.target().isPresent() ? 0 : 1;
        CelExpr pattern = at < call.args().size() ? call.args().get(at) : null;
        if (pattern == null || pattern.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                || pattern.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            return Optional.of("the pattern of matches() must be a string literal, so it can be checked before it runs");
        }
        return RegexLimits.problem(pattern.constant().stringValue());
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\s+", " ").trim();
    }

    /** An expression that compiles but may not run. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Outcome of evaluation: the value, or the error that made it false. */
    public record Result(boolean value, String error) {
    }
}
