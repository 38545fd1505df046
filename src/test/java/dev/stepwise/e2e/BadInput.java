package dev.stepwise.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A seeded generator of invalid and hostile manifests (issue 18): wrong types, missing fields, cycles,
 * self-dependencies, huge workflows, very long names and commands, unicode, bad CEL and templates,
 * outputs with '=' and newlines, unknown fields, Runs of missing Workflows and revisions, bad Run
 * options, conflicting edits applied at once, and the hostile input of issue 26 (template and CEL bombs, a
 * 1 MiB param, a param breaking its pattern, an undeclared stepParams env, a link-local notification URL, a
 * nonexistent InstanceType), each with the outcome the SPEC promises ({@link Expect}). Each is YAML of one object (plus, for conflicting
 * edits, JSON merge patches the harness sends all at once after creating it); the harness applies it
 * and reads what became of it.
 * The same seed gives the same manifests.
 */
final class BadInput {
    /** One manifest: its category, the kind it is, its name, its YAML, and what the SPEC promises of it (null: any answer with a message). */
    record Manifest(String category, String kind, String name, String yaml, List<String> edits, Expect expect) {
        Manifest(String category, String kind, String name, String yaml) {
            this(category, kind, name, yaml, List.of(), null);
        }

        Manifest(String category, String kind, String name, String yaml, List<String> edits) {
            this(category, kind, name, yaml, edits, null);
        }

        Manifest(String category, String kind, String name, String yaml, Expect expect) {
            this(category, kind, name, yaml, List.of(), expect);
        }
    }

    // the answers BadInputE2E reads off an object, the ones an Expect may name
    static final String REFUSED = "refused at apply, naming the problem";
    static final String NOT_READY = "Ready=False naming the problem";
    static final String FAILED = "Failed naming the problem";
    static final String SUCCEEDED = "ran: Succeeded";

    /**
     * What the SPEC ("Sharing a cluster") says must become of a hostile manifest: one of {@code outcomes},
     * its message (the refusal, the Ready condition's, the Run's) containing {@code mentions} if set, no Job
     * ever created for the Run if {@code noJobs}, and if {@code notificationRefused} the Run's notification
     * recorded as {@code refused: ...} (never sent).
     */
    record Expect(Set<String> outcomes, String mentions, boolean noJobs, boolean notificationRefused) {
        static Expect of(String outcome, String mentions) {
            return new Expect(Set.of(outcome), mentions, false, false);
        }
    }

    static final String INSTANCE_TYPE = "chaos-kwok";
    /** A valid workflow every bad Run can name. */
    static final String BASE_WORKFLOW = "chaos-base";
    /** A valid workflow whose param has a pattern and whose step declares the env names a Run may set. */
    static final String GUARDED_WORKFLOW = "chaos-guarded";
    /**
     * A valid workflow that notifies the link-local metadata address on every end (not loopback: the
     * E2E operator allow-lists 127.0.0.1 for NotificationsE2E's receiver).
     */
    static final String NOTIFY_WORKFLOW = "chaos-notify";

    private final Random random;
    private int serial;

    BadInput(long seed) {
        this.random = new Random(seed);
    }

    /** The InstanceType and the valid workflow the manifests rely on (steps on KWOK nodes: no real containers). */
    static String fixtures() {
        return """
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: %s}
                spec:
                  nodeSelector: {type: kwok}
                  tolerations: [{key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule}]
                """.formatted(INSTANCE_TYPE);
    }

    static String baseWorkflow() {
        return workflow(BASE_WORKFLOW, """
                  params: [{name: who, required: true}]
                  steps:
                    - {name: a, command: [echo, a]}
                    - {name: b, dependsOn: [a], command: [echo, b]}
                """);
    }

    /** The namespaced objects the hostile Runs rely on: {@link #GUARDED_WORKFLOW}, {@link #NOTIFY_WORKFLOW} and its Secret. */
    static String guardedFixtures() {
        return workflow(GUARDED_WORKFLOW, """
                  params: [{name: slug, pattern: '^[a-z]+$', default: ok}]
                  steps:
                    - {name: a, command: [echo, "{{params.slug}}"], env: [{name: MODE, value: full}]}
                """) + """
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: chaos-loopback-hook}
                stringData: {url: "http://169.254.169.254/latest/meta-data/"}
                ---
                """ + workflow(NOTIFY_WORKFLOW, """
                  notifications: [{events: [Succeeded, Failed, Cancelled], webhook: {urlSecretRef: {name: chaos-loopback-hook, key: url}}}]
                  steps: [{name: a, command: [echo, a]}]
                """);
    }

    private static String workflow(String name, String specBody) {
        return "apiVersion: stepwise.dev/v1alpha1\nkind: Workflow\nmetadata: {name: " + name + "}\nspec:\n"
                + "  defaults: {image: busybox:1.36, instanceType: " + INSTANCE_TYPE + "}\n" + specBody;
    }

    private static String run(String name, String specBody) {
        return "apiVersion: stepwise.dev/v1alpha1\nkind: Run\nmetadata: {name: " + name + "}\nspec:\n" + specBody;
    }

    private String next(String prefix) {
        return prefix + "-" + (serial++);
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    /** {@code count} manifests, the categories taken in turn. */
    List<Manifest> generate(int count) {
        List<BiFunction<BadInput, String, Manifest>> kinds = List.of(
                BadInput::wrongType, BadInput::missingField, BadInput::graph, BadInput::huge, BadInput::longText,
                BadInput::unicode, BadInput::badExpression, BadInput::unknownField, BadInput::badRun, BadInput::badSchedule,
                BadInput::outputsAndNewlines, BadInput::conflictingEdits,
                BadInput::templateBomb, BadInput::regexBomb, BadInput::comprehensionBomb, BadInput::oversizedParam,
                BadInput::paramBreakingPattern, BadInput::undeclaredStepParam, BadInput::loopbackNotification,
                BadInput::unknownInstanceType);
        List<Manifest> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(kinds.get(i % kinds.size()).apply(this, null));
        }
        return out;
    }

    Manifest wrongType(String unused) {
        String n = next("wt");
        String body = pick(
                "  steps: \"oops\"\n",
                "  steps: [{name: a, retry: {limit: \"three\"}}]\n",
                "  steps: [{name: 5, command: [echo]}]\n",
                "  active: \"yes please\"\n  steps: [{name: a}]\n",
                "  params: {who: me}\n  steps: [{name: a}]\n",
                "  steps: [{name: a, dependsOn: b}]\n",
                "  steps: [{name: a, timeout: 10}]\n",
                "  steps: [{name: a, command: echo}]\n",
                "  maxConcurrentRuns: -" + (1 + random.nextInt(5)) + "\n  steps: [{name: a}]\n",
                "  steps: [{name: a, retry: {limit: 2, backoff: sideways}}]\n");
        return new Manifest("wrong types", "Workflow", n, workflow(n, body));
    }

    Manifest missingField(String unused) {
        String n = next("mf");
        String choice = pick("nosteps", "noname", "wait", "sleep", "run", "webhook", "notify");
        return switch (choice) {
            case "nosteps" -> new Manifest("missing fields", "Workflow", n, workflow(n, "  description: nothing to do\n"));
            case "noname" -> new Manifest("missing fields", "Workflow", n, workflow(n, "  steps: [{command: [echo, a]}]\n"));
            case "wait" -> new Manifest("missing fields", "Workflow", n, workflow(n, "  steps: [{name: a, type: waitForEvent}]\n"));
            case "sleep" -> new Manifest("missing fields", "Workflow", n, workflow(n, "  steps: [{name: a, type: sleep}]\n"));
            case "webhook" -> new Manifest("missing fields", "Workflow", n,
                    workflow(n, "  webhook: {enabled: true}\n  steps: [{name: a}]\n"));
            case "notify" -> new Manifest("missing fields", "Workflow", n,
                    workflow(n, "  notifications: [{events: [Failed]}]\n  steps: [{name: a}]\n"));
            default -> new Manifest("missing fields", "Run", n, run(n, "  params: {who: x}\n"));
        };
    }

    Manifest graph(String unused) {
        String n = next("gr");
        int len = 2 + random.nextInt(30);
        StringBuilder steps = new StringBuilder("  steps:\n");
        String choice = pick("cycle", "self", "unknown", "dup");
        for (int i = 0; i < len; i++) {
            String parent = i == 0 ? (choice.equals("cycle") ? "s" + (len - 1) : null) : "s" + (i - 1);
            if (choice.equals("self") && i == len - 1) {
                parent = "s" + i;
            }
            if (choice.equals("unknown") && i == len - 1) {
                parent = "ghost";
            }
            String name = choice.equals("dup") && i == len - 1 ? "s0" : "s" + i;
            steps.append("    - {name: ").append(name).append(", command: [echo]")
                    .append(parent == null ? "" : ", dependsOn: [" + parent + "]").append("}\n");
        }
        return new Manifest("graph: " + choice, "Workflow", n, workflow(n, steps.toString()));
    }

    Manifest huge(String unused) {
        String n = next("hg");
        int steps = pick("600", "5000", "500").equals("500") ? 500 : (random.nextBoolean() ? 600 : 5000);
        StringBuilder body = new StringBuilder("  steps:\n");
        for (int i = 0; i < steps; i++) {
            body.append("    - {name: s").append(i).append(i > 0 ? ", dependsOn: [s" + (i - 1) + "]" : "").append("}\n");
        }
        return new Manifest("huge (" + steps + " steps)", "Workflow", n, workflow(n, body.toString()));
    }

    Manifest longText(String unused) {
        String n = next("lt");
        String longWord = "x".repeat(10_000);
        String body = pick(
                "  steps: [{name: " + "a".repeat(200) + "}]\n",
                "  steps: [{name: a, command: [echo, " + longWord + "]}]\n",
                "  description: " + longWord + "\n  steps: [{name: a}]\n",
                "  params: [{name: " + "p".repeat(5000) + "}]\n  steps: [{name: a}]\n");
        return new Manifest("10,000-character text", "Workflow", n, workflow(n, body));
    }

    Manifest unicode(String unused) {
        String n = next("uc");
        String body = pick(
                "  steps: [{name: \"krok-ř\"}]\n",
                "  steps: [{name: a, command: [echo, \"žluťoučký kůň 🐎\"]}]\n",
                "  params: [{name: \"ümlaut\"}]\n  steps: [{name: a}]\n",
                "  description: \"日本語の説明\"\n  steps: [{name: a, env: [{name: GREETING, value: \"こんにちは\"}]}]\n");
        return new Manifest("unicode", "Workflow", n, workflow(n, body));
    }

    Manifest badExpression(String unused) {
        String n = next("bx");
        String body = pick(
                "  steps:\n    - {name: a}\n    - {name: b, dependsOn: [a], when: \"steps.a.outputs.x ==\"}\n",
                "  steps:\n    - {name: a}\n    - {name: b, dependsOn: [a], when: \"1 + 'a'\"}\n",
                "  steps:\n    - {name: a, when: \"params.nope == 'x'\"}\n",
                "  steps:\n    - {name: a, command: [echo, \"{{steps.ghost.outputs.x}}\"]}\n",
                "  steps:\n    - {name: a, command: [echo, \"{{params.missing}}\"]}\n",
                "  steps:\n    - {name: a, command: [echo, \"{{ totally bogus }}\"]}\n",
                "  steps:\n    - {name: a, outputs: [x]}\n    - {name: b, command: [echo, \"{{steps.a.outputs.x}}\"]}\n",
                "  steps:\n    - {name: a, timeout: \"ten minutes\"}\n");
        return new Manifest("bad CEL and templates", "Workflow", n, workflow(n, body));
    }

    Manifest unknownField(String unused) {
        String n = next("uf");
        String body = pick("  colour: blue\n  steps: [{name: a}]\n", "  steps: [{name: a, colour: blue}]\n",
                "  steps: [{name: a, retry: {limit: 1, jitter: true}}]\n");
        return new Manifest("unknown fields", "Workflow", n, workflow(n, body));
    }

    Manifest badRun(String unused) {
        String n = next("br");
        String body = pick(
                "  workflowRef: {name: no-such-workflow}\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + ", revision: 99}\n  params: {who: x}\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n  params: {who: x, extra: y}\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n  params: {who: x}\n  retryOf: never-was\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n  params: {who: x}\n  stepsToRun: [{name: zzz}]\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n  params: {who: x}\n  stepParams: {a: {\"BAD=NAME\": v}}\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n  params: {who: x}\n  timeout: soon\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + "}\n  params: {who: x}\n  events: [{payload: no-name}]\n",
                "  workflowRef: {name: " + BASE_WORKFLOW + ", revision: 0}\n");
        return new Manifest("bad Runs", "Run", n, run(n, body));
    }

    Manifest badSchedule(String unused) {
        String n = next("bs");
        String body = pick(
                "  schedules: [{cron: \"61 * * * *\"}]\n  steps: [{name: a}]\n",
                "  schedules: [{cron: \"0 2 * * *\", timeZone: Mars/Olympus}]\n  steps: [{name: a}]\n",
                "  schedules: [{cron: \"every day\"}]\n  steps: [{name: a}]\n",
                "  schedules: [{cron: \"0 2 * * *\", params: {nope: x}}]\n  steps: [{name: a}]\n",
                "  runHistory: {ttlAfterFinished: forever}\n  steps: [{name: a}]\n");
        return new Manifest("bad schedules and history", "Workflow", n, workflow(n, body));
    }

    /** Output names and param values holding '=' and line breaks, where NAME=VALUE lines are parsed. */
    Manifest outputsAndNewlines(String unused) {
        String n = next("on");
        String choice = pick("eqname", "nlname", "dup", "empty", "eqtemplate", "paramdefault", "runparam");
        if (choice.equals("runparam")) {
            return new Manifest("outputs with = and newlines", "Run", n, run(n, "  workflowRef: {name: " + BASE_WORKFLOW + "}\n"
                    + "  params: {who: \"a=b\\nc=d\\n=\\n\"}\n"));
        }
        String body = switch (choice) {
            case "eqname" -> "  steps: [{name: a, outputs: [\"rows=42\"], command: [echo]}]\n";
            case "nlname" -> "  steps: [{name: a, outputs: [\"rows\\ncount\"], command: [echo]}]\n";
            case "dup" -> "  steps: [{name: a, outputs: [rows, rows], command: [echo]}]\n";
            case "empty" -> "  steps: [{name: a, outputs: [\"\"], command: [echo]}]\n";
            case "eqtemplate" -> "  steps:\n    - {name: a, outputs: [x], command: [echo]}\n"
                    + "    - {name: b, dependsOn: [a], env: [{name: X, value: \"{{steps.a.outputs.x=y}}\"}], command: [echo]}\n";
            default -> "  params: [{name: p, default: \"k=v\\nk2=v2\\n\"}]\n  steps: [{name: a, command: [echo]}]\n";
        };
        return new Manifest("outputs with = and newlines", "Workflow", n, workflow(n, body));
    }

    /**
     * A valid object, then three to five JSON merge patches sent at the same moment (valid edits, a
     * cycle, a wrong type, an immutable field): whichever lands last, the answer must be about it.
     */
    Manifest conflictingEdits(String unused) {
        String n = next("ce");
        List<String> edits = new ArrayList<>();
        if (random.nextBoolean()) {
            List<String> options = new ArrayList<>(List.of(
                    "{\"spec\":{\"steps\":[{\"name\":\"a\",\"command\":[\"echo\",\"1\"]},{\"name\":\"b\",\"dependsOn\":[\"a\"],\"command\":[\"echo\",\"2\"]}]}}",
                    "{\"spec\":{\"steps\":[{\"name\":\"a\",\"dependsOn\":[\"b\"]},{\"name\":\"b\",\"dependsOn\":[\"a\"]}]}}",
                    "{\"spec\":{\"description\":\"edited\",\"steps\":[{\"name\":\"x\",\"command\":[\"true\"]}]}}",
                    "{\"spec\":{\"steps\":\"oops\"}}",
                    "{\"spec\":{\"active\":false}}",
                    "{\"spec\":{\"params\":[{\"name\":\"p\",\"required\":true}]}}",
                    "{\"spec\":{\"steps\":[{\"name\":\"a\",\"when\":\"steps.ghost.outputs.x ==\"}]}}"));
            java.util.Collections.shuffle(options, random);
            edits.addAll(options.subList(0, 3 + random.nextInt(3)));
            return new Manifest("conflicting edits at once", "Workflow", n,
                    workflow(n, "  steps: [{name: a, command: [echo, a]}, {name: b, dependsOn: [a], command: [echo, b]}]\n"), edits);
        }
        List<String> options = new ArrayList<>(List.of(
                "{\"spec\":{\"cancel\":true}}",
                "{\"spec\":{\"suspend\":false}}",
                "{\"spec\":{\"priority\":5}}",
                "{\"spec\":{\"stepsToRun\":[{\"name\":\"a\"}]}}",
                "{\"spec\":{\"suspend\":true,\"cancel\":false}}",
                "{\"spec\":{\"timeout\":\"1s\"}}"));
        java.util.Collections.shuffle(options, random);
        edits.addAll(options.subList(0, 3 + random.nextInt(3)));
        // suspended, so the edits land before it can finish; one that stays suspended is answered
        // by phase Suspended (see BadInputE2E.answer)
        return new Manifest("conflicting edits at once", "Run", n, run(n, "  workflowRef: {name: " + BASE_WORKFLOW + "}\n"
                + "  params: {who: x}\n  suspend: true\n"), edits);
    }

    // ------------------------------------------------------------------ hostile input (issue 26)

    /** {@code {{} and 100 KiB of spaces with no closing braces in an arg: refused by the CRD's bound on args, or invalid; never a hang. */
    Manifest templateBomb(String unused) {
        String n = next("tb");
        return new Manifest("hostile: template bomb", "Workflow", n,
                workflow(n, "  steps: [{name: a, command: [echo], args: [\"{{" + " ".repeat(100 * 1024) + "\"]}]\n"),
                new Expect(Set.of(REFUSED, NOT_READY), null, false, false));
    }

    /** A regular expression nested past any limit in a {@code when}: CEL regexes are limited in size and nesting. */
    Manifest regexBomb(String unused) {
        String n = next("rb");
        return new Manifest("hostile: CEL regex bomb", "Workflow", n, workflow(n, """
                  params: [{name: x, default: a}]
                  steps:
                    - {name: a, command: [echo]}
                    - {name: bomb, dependsOn: [a], command: [echo], when: "params.x.matches('((a{1000}){1000}){1000}')"}
                """), Expect.of(NOT_READY, "bomb"));
    }

    /** Comprehensions nested eight deep over ten items (10^8 elements): a {@code when} cannot allocate without bound. */
    Manifest comprehensionBomb(String unused) {
        String n = next("cb");
        String ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
        String expr = "a";
        for (char v = 'h'; v >= 'a'; v--) {
            expr = ten + ".map(" + v + ", " + expr + ")";
        }
        return new Manifest("hostile: CEL comprehension bomb", "Workflow", n, workflow(n, """
                  steps:
                    - {name: a, command: [echo]}
                    - {name: bomb, dependsOn: [a], command: [echo], when: "%s.size() > 0"}
                """.formatted(expr)), Expect.of(NOT_READY, "bomb"));
    }

    /** A 1 MiB param value: a Run's param values are bounded, so the API server refuses it. */
    Manifest oversizedParam(String unused) {
        String n = next("op");
        return new Manifest("hostile: 1 MiB param value", "Run", n, run(n, "  workflowRef: {name: " + BASE_WORKFLOW + "}\n"
                + "  params: {who: " + "x".repeat(1024 * 1024) + "}\n"), Expect.of(REFUSED, "params"));
    }

    /** A value breaking the param's declared pattern: the Run fails naming the param before any Job. */
    Manifest paramBreakingPattern(String unused) {
        String n = next("pp");
        return new Manifest("hostile: param breaking its pattern", "Run", n, run(n, "  workflowRef: {name: " + GUARDED_WORKFLOW + "}\n"
                + "  params: {slug: \"a;rm -rf /\"}\n"), new Expect(Set.of(FAILED), "slug", true, false));
    }

    /** stepParams setting an env name the step does not declare: the Run fails naming it before any Job. */
    Manifest undeclaredStepParam(String unused) {
        String n = next("sp");
        return new Manifest("hostile: undeclared stepParams env", "Run", n, run(n, "  workflowRef: {name: " + GUARDED_WORKFLOW + "}\n"
                + "  stepParams: {a: {LD_PRELOAD: /tmp/evil.so}}\n"), new Expect(Set.of(FAILED), "LD_PRELOAD", true, false));
    }

    /** A Run of a workflow notifying http://169.254.169.254/latest/meta-data/: the notification is refused and says so, nothing is sent. */
    Manifest loopbackNotification(String unused) {
        String n = next("ln");
        return new Manifest("hostile: link-local (metadata) notification URL", "Run", n, run(n, "  workflowRef: {name: " + NOTIFY_WORKFLOW + "}\n"),
                new Expect(Set.of(SUCCEEDED), null, false, true));
    }

    /** A workflow with no InstanceType default whose step names one that does not exist: Ready=False naming it. */
    Manifest unknownInstanceType(String unused) {
        String n = next("it");
        String yaml = "apiVersion: stepwise.dev/v1alpha1\nkind: Workflow\nmetadata: {name: " + n + "}\nspec:\n"
                + "  defaults: {image: busybox:1.36}\n  steps: [{name: a, command: [echo], instanceType: no-such-instance-type}]\n";
        return new Manifest("hostile: nonexistent InstanceType", "Workflow", n, yaml, Expect.of(NOT_READY, "no-such-instance-type"));
    }
}
