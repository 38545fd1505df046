package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark harness. {@code bench/run} builds it, prepares the cluster and calls it:
 * <pre>
 *   java -jar bench/target/stepwise-bench.jar --project DIR [baseline|wide|chain|fan|ladder|all]... [--runs R] [--steps S]
 *        [--chain N] [--fan N] [--ladder STAGES] [--tiny] [--jfr] [--warm-up] [--no-baseline] [--shipped-jvm-arg ARG]... [--timeout SEC] [--results DIR] [--session FILE]
 *   java -jar bench/target/stepwise-bench.jar table FILE.json...
 *   java -jar bench/target/stepwise-bench.jar chaos ...      (chaos/run; see {@link Chaos})
 * </pre>
 */
public final class Main {
    static final List<String> ORDER = List.of("baseline", "wide", "wide1k", "chain", "fan", "ladder");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("table")) {
            List<JsonNode> files = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                files.add(JSON.readTree(Path.of(args[i]).toFile()));
            }
            System.out.print(Table.render(files));
            return;
        }
        int code = args.length > 0 && args[0].equals("chaos") ? Chaos.run(args) : run(args);
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        Set<String> scenarios = new LinkedHashSet<>();
        int runs = 100;
        int steps = 10;
        int chain = 50;
        int fan = 200;
        int ladder = 50;
        int wide1k = 1000;
        boolean tiny = false;
        boolean jfr = false;
        boolean noBaseline = false;
        boolean warmUp = false;
        long timeout = 1800;
        Path project = Path.of("..");
        Path results = null;
        Path session = null;
        List<String> jvmArgs = new ArrayList<>();
        List<String> shippedJvmArgs = new ArrayList<>();
        String tag = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--chain" -> chain = Integer.parseInt(args[++i]);
                case "--fan" -> fan = Integer.parseInt(args[++i]);
                case "--ladder" -> ladder = Integer.parseInt(args[++i]);
                case "--tiny" -> tiny = true;
                case "--jfr" -> jfr = true;
                case "--no-baseline" -> noBaseline = true;
                case "--warm-up" -> warmUp = true;
                case "--timeout" -> timeout = Long.parseLong(args[++i]);
                case "--project" -> project = Path.of(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                case "--session" -> session = Path.of(args[++i]);
                case "--operator-jvm-arg" -> jvmArgs.add(args[++i]);
                case "--shipped-jvm-arg" -> shippedJvmArgs.add(args[++i]);
                case "--tag" -> tag = args[++i];
                case "all" -> scenarios.addAll(ORDER);
                default -> {
                    if (ORDER.contains(a)) {
                        scenarios.add(a);
                    } else {
                        System.err.println("unknown argument " + a + " (scenarios: " + ORDER + ", all)");
                        return 2;
                    }
                }
            }
        }
        List<String> allJvmArgs = new ArrayList<>(shippedJvmArgs);
        allJvmArgs.addAll(jvmArgs);
        if (scenarios.isEmpty()) {
            scenarios.addAll(ORDER);
        }
        if (tiny) {
            runs = 3;
            steps = 2;
            chain = 5;
            fan = 5;
            ladder = 26;
            wide1k = 6;
            timeout = Math.min(timeout, 150);
        }
        Env env = new Env(project);
        if (results == null) {
            // a profiled operator is not the operator as it ships: keep those figures out of bench/results
            results = env.root.resolve(tiny ? "bench/target/results-tiny" : jfr ? "bench/target/results-profile" : "bench/results");
        }
        Files.createDirectories(results);
        Path work = env.root.resolve("bench/target/work");
        Files.createDirectories(work);

        Config config = Config.fromKubeconfig(Files.readString(env.adminKubeconfig));
        config.setRequestTimeout(60_000);
        boolean ok = true;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            int kwokNodes = client.nodes().withLabel("type", "kwok").list().getItems().size();
            Env.Kcm kcm = env.kcm();
            Bench bench = new Bench(env, client, timeout, work);
            Bench.log("cluster: kube-controller-manager %s (%s), %d KWOK nodes; operator %s", kcm.flags(), kcm.label(),
                    kwokNodes, env.operatorJar);
            Bench.settle();
            ObjectNode baselineWide = null;
            List<Path> written = new ArrayList<>();
            for (String scenario : ORDER) {
                boolean wanted = scenarios.contains(scenario)
                        || (scenario.equals("baseline") && (scenarios.contains("wide") || scenarios.contains("wide1k")) && !noBaseline);
                if (!wanted) {
                    continue;
                }
                Shape shape = switch (scenario) {
                    case "baseline", "wide" -> Shape.wide(scenario, runs, steps);
                    // as many steps as wide's default, each its own Run: what a Run costs beyond its steps
                    case "wide1k" -> Shape.wide(scenario, wide1k, 1);
                    case "chain" -> Shape.chain(chain);
                    case "ladder" -> Shape.ladder(ladder);
                    default -> Shape.fan(fan);
                };
                ObjectNode doc = header(env, scenario, shape, kwokNodes, shippedJvmArgs, jvmArgs, allJvmArgs, tiny, args);
                ArrayNode rows = doc.putArray("results");
                try {
                    if (scenario.equals("baseline")) {
                        baselineWide = bench.baseline(shape);
                        rows.add(baselineWide);
                    } else {
                        Path jfrFile = jfr ? work.resolve(LocalDate.now() + "-" + scenario + "-" + kcm.label() + ".jfr") : null;
                        ObjectNode sw = bench.stepwise(shape, allJvmArgs, jfrFile, warmUp);
                        rows.add(sw);
                        boolean sameJobs = baselineWide != null && baselineWide.path("steps").asInt(-1) == shape.totalSteps();
                        ObjectNode base = scenario.startsWith("wide") && sameJobs ? baselineWide : noBaseline ? null : bench.baseline(shape);
                        if (base != null) {
                            if (base != baselineWide) {
                                rows.add(base);
                            }
                            ObjectNode vs = sw.putObject("vsBaseline");
                            vs.put("baselineWallSeconds", base.path("wallSeconds").asDouble());
                            vs.put("baselineScenario", base == baselineWide ? "baseline" : scenario + " (baseline row)");
                            vs.put("throughputRatio", Bench.round2(base.path("wallSeconds").asDouble()
                                    / Math.max(0.001, sw.path("wallSeconds").asDouble())));
                            vs.put("throughputRatioJobsDone", Bench.round2(base.path("wallSeconds").asDouble()
                                    / Math.max(0.001, sw.path("lastJobFinishedSeconds").asDouble())));
                            vs.put("definition", "throughputRatio: baseline wall time / Stepwise wall time (every Run finished) = Stepwise "
                                    + "steps per minute / baseline steps per minute; throughputRatioJobsDone: the same with Stepwise's "
                                    + "time until its last Job was seen Complete, i.e. until the Job controller caught up");
                        }
                    }
                } catch (Exception e) {
                    Bench.log("%s failed: %s", scenario, e);
                    e.printStackTrace();
                    ObjectNode err = rows.addObject();
                    err.put("engine", "error");
                    err.put("completed", false);
                    err.put("error", e.toString());
                }
                for (JsonNode row : rows) {
                    ok &= row.path("completed").asBoolean(false);
                }
                doc.put("finishedAt", Instant.now().toString());
                Path file = fileFor(results, scenario + (tag == null ? "" : "-" + tag), kcm.label());
                JSON.writeValue(file.toFile(), doc);
                written.add(file);
                Bench.log("wrote %s", file);
                if (session != null) {
                    Files.writeString(session, file + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            List<JsonNode> docs = new ArrayList<>();
            for (Path p : written) {
                docs.add(JSON.readTree(p.toFile()));
            }
            System.out.print(Table.render(docs));
        }
        return ok ? 0 : 1;
    }

    private static ObjectNode header(Env env, String scenario, Shape shape, int kwokNodes, List<String> shippedJvmArgs,
                                     List<String> jvmArgs, List<String> allJvmArgs, boolean tiny, String[] args) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("scenario", scenario);
        doc.put("description", shape.description());
        doc.put("date", LocalDate.now().toString());
        doc.put("startedAt", Instant.now().toString());
        doc.put("command", "bench " + String.join(" ", args));
        doc.put("tiny", tiny);
        // the shipped JVM settings (dev/operator-jvm; none with --bare-jvm) apart from a run's own extra ones
        doc.put("operatorJvmShipped", String.join(" ", shippedJvmArgs));
        doc.put("operatorJvmArgs", String.join(" ", jvmArgs));
        ObjectNode p = doc.putObject("params");
        p.put("runs", shape.runs());
        p.put("stepsPerRun", shape.stepsPerRun());
        p.put("steps", shape.totalSteps());
        p.put("handoffsPerRun", shape.handoffs() / Math.max(1, shape.runs()));
        p.put("image", Bench.IMAGE);
        p.put("command", String.join(" ", Bench.COMMAND));
        p.put("nodes", "KWOK (nodeSelector type=kwok, toleration kwok.x-k8s.io/node); no container runs");
        doc.set("cluster", env.clusterSettings(kwokNodes));
        doc.set("operator", env.operatorSettings(allJvmArgs));
        doc.set("machine", env.machine());
        doc.set("git", env.git());
        return doc;
    }

    private static Path fileFor(Path dir, String scenario, String kcm) {
        String base = LocalDate.now() + "-" + scenario + "-" + kcm;
        Path p = dir.resolve(base + ".json");
        for (int i = 2; Files.exists(p); i++) {
            p = dir.resolve(base + "-" + i + ".json");
        }
        return p;
    }
}
