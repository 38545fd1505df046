package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * chaos/run: a steady stream of Runs of mixed shapes while faults are injected at seeded times,
 * then a verdict from the cluster's own records (see {@link Verdict}). One table, JSON in chaos/results/.
 * <pre>
 *   java -jar bench/target/stepwise-bench.jar chaos --project DIR [--short] [--runs N] [--interval-ms MS] [--seed S]
 *        [--kills N] [--apiserver-restarts N] [--etcd-restarts N] [--cuts N] [--node-losses N] [--evict SHARE]
 *        [--delete SHARE] [--settle SEC] [--stuck-after SEC] [--results DIR] [--operator-jvm-arg ARG]...
 * </pre>
 */
final class Chaos {
    /** The workflows of chaos-workflows.yaml and the phase each ends in when no fault touches it. */
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("kwok-chain", "Succeeded");
        EXPECTED.put("kwok-fan", "Succeeded");
        EXPECTED.put("real-outputs", "Succeeded");
        EXPECTED.put("real-retry", "Succeeded");
        EXPECTED.put("real-fail", "Failed");
        EXPECTED.put("sleepy", "Succeeded");
    }

    private Chaos() {
    }

    static int run(String[] args) throws Exception {
        int runs = 200;
        long intervalMs = 4_000;
        long seed = 18;
        int kills = 20;
        int apiserver = 3;
        int etcd = 1;
        int cuts = 3;
        int nodeLosses = 1;
        double evict = 0.10;
        double delete = 0.03;
        long settleSec = 900;
        long stuckAfterSec = 180;
        boolean isShort = false;
        Path project = Path.of("..");
        Path results = null;
        List<String> jvmArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> isShort = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--apiserver-restarts" -> apiserver = Integer.parseInt(args[++i]);
                case "--etcd-restarts" -> etcd = Integer.parseInt(args[++i]);
                case "--cuts" -> cuts = Integer.parseInt(args[++i]);
                case "--node-losses" -> nodeLosses = Integer.parseInt(args[++i]);
                case "--evict" -> evict = Double.parseDouble(args[++i]);
                case "--delete" -> delete = Double.parseDouble(args[++i]);
                case "--settle" -> settleSec = Long.parseLong(args[++i]);
                case "--stuck-after" -> stuckAfterSec = Long.parseLong(args[++i]);
                case "--project" -> project = Path.of(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                case "--operator-jvm-arg" -> jvmArgs.add(args[++i]);
                default -> {
                    System.err.println("chaos: unknown argument " + args[i]);
                    return 2;
                }
            }
        }
        if (isShort) { // CI's few minutes: every kind of fault at least once
            runs = 30;
            intervalMs = 2_000;
            kills = 3;
            apiserver = 1;
            etcd = 1;
            cuts = 1;
            nodeLosses = 1;
            settleSec = Math.min(settleSec, 400);
        }
        Env env = new Env(project);
        // CI's short runs prove the harness and the claim; their figures stay out of chaos/results
        results = results != null ? results : env.root.resolve(isShort ? "bench/target/results-chaos-short" : "chaos/results");
        Files.createDirectories(results);
        Path work = env.root.resolve("bench/target/work");
        Files.createDirectories(work);
        Path chaosKubeconfig = env.root.resolve(".cluster/conf/stepwise-operator-chaos.kubeconfig");
        long streamMs = runs * intervalMs;
        FaultPlan.Counts counts = new FaultPlan.Counts(kills, apiserver, etcd, cuts, nodeLosses);
        List<FaultPlan.Fault> plan = FaultPlan.plan(seed, streamMs, counts);

        Config config = Config.fromKubeconfig(Files.readString(env.adminKubeconfig));
        config.setRequestTimeout(30_000);
        String ns = "chaos-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        long auditMark = Audit.mark(env.auditLog);
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("date", LocalDate.now().toString());
        doc.put("startedAt", Instant.now().toString());
        doc.put("command", "chaos/run " + String.join(" ", List.of(args).subList(1, args.length)));
        doc.put("namespace", ns);
        ObjectNode p = doc.putObject("params");
        p.put("runs", runs);
        p.put("intervalMs", intervalMs);
        p.put("seed", seed);
        p.put("evictShare", evict);
        p.put("deleteShare", delete);
        p.put("stuckAfterSeconds", stuckAfterSec);
        p.put("workflows", String.join(", ", EXPECTED.keySet()));
        p.set("faults", Main.JSON.valueToTree(counts));
        doc.set("operator", env.operatorSettings(jvmArgs));
        doc.set("machine", env.machine());
        doc.set("git", env.git());

        Verdict verdict;
        Faults faults;
        List<OperatorSupervisor.Life> lives;
        long[] memory;
        double cpu;
        long t0;
        long streamEnd;
        long settledAt;
        Map<String, Verdict.Submitted> submitted = new LinkedHashMap<>();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
             OperatorSupervisor operator = new OperatorSupervisor(env, jvmArgs, work.resolve("chaos-operator.log"), chaosKubeconfig)) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            Bench.log("namespace %s; %d Runs, one every %d ms; faults: %s", ns, runs, intervalMs, counts);
            operator.start();
            applyWorkflows(client, ns);
            final long seedF = seed;
            final double evictF = evict;
            final double deleteF = delete;
            Faults[] holder = new Faults[1];
            try (ClusterRecord record = new ClusterRecord(client, ns, pod -> {
                if (holder[0] != null) {
                    holder[0].maybePodFault(pod, seedF, evictF, deleteF);
                }
            }); Faults f = new Faults(env, client, ns, operator, record, work.resolve("chaos-cluster.log"))) {
                faults = f;
                holder[0] = f;
                t0 = System.currentTimeMillis();
                Thread injector = new Thread(() -> injectAll(f, plan, t0), "faults");
                injector.start();
                Random pick = new Random(seed);
                List<String> wfs = new ArrayList<>(EXPECTED.keySet());
                for (int i = 0; i < runs; i++) {
                    sleepUntil(t0 + i * intervalMs);
                    String wf = wfs.get(pick.nextInt(wfs.size()));
                    String name = String.format("%s-%03d", wf, i);
                    create(client, Bench.run(ns, name, wf));
                    submitted.put(name, new Verdict.Submitted(name, wf, EXPECTED.get(wf), System.currentTimeMillis()));
                }
                streamEnd = System.currentTimeMillis();
                injector.join();
                f.awaitBackground();
                Bench.log("all Runs submitted and every fault over; waiting up to %d s for every Run to finish", settleSec);
                settledAt = settle(record, submitted.keySet(), settleSec);
                Bench.awaitAuditLog(client, env.auditLog, ns);
                Map<String, Integer> creates = Audit.creates(env.auditLog, auditMark, Env.OPERATOR_USER, "jobs", ns);
                verdict = Verdict.judge(submitted.values(), record, creates, System.currentTimeMillis(), stuckAfterSec * 1000);
                ObjectNode rec = doc.putObject("recovery");
                for (Faults.Done d : f.done) {
                    // a lost node: until the steps of its pods got new Jobs; anything else: the operator's next work after it
                    long next = d.fault.kind() == FaultPlan.Kind.KWOK_NODE_LOSS ? record.retriedAfterNodeLoss(d.startMs)
                            : record.activitySince(Math.max(d.endMs, d.startMs));
                    ObjectNode r = rec.withArray("faults").addObject();
                    r.put("kind", d.fault.kind().name());
                    r.put("atSeconds", Bench.round1((d.startMs - t0) / 1000.0));
                    r.put("lastedSeconds", Bench.round1((d.endMs - d.startMs) / 1000.0));
                    r.put("recoveredAfterSeconds", next < 0 ? -1 : Bench.round1((next - d.startMs) / 1000.0));
                    r.put("detail", d.detail);
                }
            }
            lives = operator.lives;
            memory = operator.memoryKiB();
            cpu = operator.cpuSeconds();
        }

        ObjectNode out = doc.putObject("verdict");
        out.put("runsCreated", verdict.runsCreated);
        out.put("runsFinished", verdict.runsFinished);
        out.set("phases", Main.JSON.valueToTree(verdict.phases));
        out.put("jobsSeen", verdict.jobs);
        out.put("podsSeen", verdict.pods);
        out.put("attemptsInStatus", verdict.attempts);
        out.put("retriesAfterARecordedFailure", verdict.retriesAfterFailure);
        out.put("runsHitByPodFaults", verdict.runsHitByPodFaults);
        out.put("stepsSucceededWhoseJobFailedAfterExit0", verdict.jobFailedAfterExitZero);
        out.put("maxSecondsFromLastStepToRunFinished", Bench.round1(verdict.maxFinishLagMs / 1000.0));
        for (String c : Verdict.CATEGORIES) {
            out.put(c, verdict.count(c));
        }
        List<OperatorSupervisor.Life> exits = lives.stream().filter(l -> l.endedMs > 0 && !l.end.startsWith("SIGKILL by chaos/run")).toList();
        out.put("operatorExitsNotInjected", exits.size());
        out.set("findings", Main.JSON.valueToTree(verdict.findings));
        ArrayNode ex = out.putArray("operatorExits");
        exits.forEach(l -> ex.addObject().put("atSeconds", Bench.round1((l.endedMs - t0) / 1000.0)).put("cause", l.end));
        out.put("operatorStarts", lives.size());
        out.set("podFaults", Main.JSON.valueToTree(new TreeMap<>(faults.podFaults)));
        out.put("operatorPeakRssMiB", memory[0] / 1024);
        out.put("operatorCpuSecondsLastProcess", Bench.round1(cpu));
        out.put("streamSeconds", Bench.round1((streamEnd - t0) / 1000.0));
        out.put("settledSecondsAfterStream", Bench.round1((settledAt - streamEnd) / 1000.0));
        doc.put("finishedAt", Instant.now().toString());
        Path file = results.resolve(LocalDate.now() + "-chaos-" + runs + "-seed" + seed + (isShort ? "-short" : "") + ".json");
        for (int i = 2; Files.exists(file); i++) {
            file = results.resolve(LocalDate.now() + "-chaos-" + runs + "-seed" + seed + (isShort ? "-short" : "") + "-" + i + ".json");
        }
        Main.JSON.writeValue(file.toFile(), doc);
        System.out.print(table(doc));
        System.out.println("wrote " + file);
        boolean ok = exits.stream().noneMatch(l -> !explained(l, faults.done))
                && Verdict.CATEGORIES.stream().allMatch(c -> verdict.count(c) == 0);
        return ok ? 0 : 1;
    }

    /**
     * An exit the operator chose because it lost its Lease while cut off from the API server (or the
     * API server or etcd was down) is what it must do; any other exit is a crash.
     */
    static boolean explained(OperatorSupervisor.Life l, List<Faults.Done> done) {
        if (!l.end.contains(OperatorSupervisor.LEASE_LOST)) {
            return false;
        }
        synchronized (done) {
            return done.stream().anyMatch(d -> d.fault.kind() != FaultPlan.Kind.OPERATOR_KILL && d.fault.kind() != FaultPlan.Kind.KWOK_NODE_LOSS
                    && d.startMs <= l.endedMs && l.endedMs <= d.endMs + 30_000);
        }
    }

    private static void injectAll(Faults f, List<FaultPlan.Fault> plan, long t0) {
        for (FaultPlan.Fault fault : plan) {
            try {
                sleepUntil(t0 + fault.atMs());
                f.inject(fault);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                Bench.log("fault %s failed: %s", fault.kind(), e);
            }
        }
    }

    private static void applyWorkflows(KubernetesClient client, String ns) throws Exception {
        try (InputStream in = Chaos.class.getResourceAsStream("/chaos-workflows.yaml")) {
            for (HasMetadata item : client.load(in).items()) {
                if ("InstanceType".equals(item.getKind())) {
                    client.resource(item).forceConflicts().serverSideApply();
                } else {
                    item.getMetadata().setNamespace(ns);
                    client.resource(item).inNamespace(ns).create();
                }
            }
        }
        long deadline = System.currentTimeMillis() + 120_000;
        for (String wf : EXPECTED.keySet()) {
            while (!ready(client, ns, wf)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("workflow " + ns + "/" + wf + " not Ready after 120 s");
                }
                Thread.sleep(250);
            }
        }
    }

    private static boolean ready(KubernetesClient client, String ns, String wf) {
        GenericKubernetesResource r = client.genericKubernetesResources(Bench.WORKFLOWS).inNamespace(ns).withName(wf).get();
        JsonNode status = r == null ? null : Main.JSON.valueToTree(r.getAdditionalProperties().get("status"));
        if (status == null) {
            return false;
        }
        for (JsonNode c : status.path("conditions")) {
            if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Creates a Run, retrying through API server restarts; a 409 after a lost answer means it was created. */
    private static void create(KubernetesClient client, GenericKubernetesResource run) throws InterruptedException {
        for (int i = 0; ; i++) {
            try {
                client.genericKubernetesResources(Tracker.RUNS).inNamespace(run.getMetadata().getNamespace()).resource(run).create();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return;
                }
                if (i >= 60) {
                    throw e;
                }
                Thread.sleep(1_000);
            }
        }
    }

    /** Waits until every Run finished or the time is up; returns when it stopped waiting. */
    private static long settle(ClusterRecord record, java.util.Collection<String> names, long settleSec) throws InterruptedException {
        long deadline = System.currentTimeMillis() + settleSec * 1000;
        long lastLog = 0;
        while (System.currentTimeMillis() < deadline) {
            long open = names.stream().filter(n -> {
                ClusterRecord.RunRec r = record.runs.get(n);
                return r == null || !r.finished();
            }).count();
            if (open == 0) {
                break;
            }
            if (System.currentTimeMillis() - lastLog > 30_000) {
                Bench.log("%d Runs not finished yet", open);
                lastLog = System.currentTimeMillis();
            }
            Thread.sleep(1_000);
        }
        return System.currentTimeMillis();
    }

    private static void sleepUntil(long ms) throws InterruptedException {
        long wait = ms - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    static String table(JsonNode doc) {
        JsonNode v = doc.path("verdict");
        StringBuilder b = new StringBuilder();
        b.append(String.format("%nchaos/run %s (%s)%n", doc.path("command").asText(), doc.path("namespace").asText()));
        b.append(String.format("%-44s %s%n", "Runs created / finished", v.path("runsCreated").asInt() + " / " + v.path("runsFinished").asInt()
                + "  " + v.path("phases")));
        b.append(String.format("%-44s %s%n", "Jobs / pods seen / attempts in status", v.path("jobsSeen").asInt() + " / "
                + v.path("podsSeen").asInt() + " / " + v.path("attemptsInStatus").asInt()));
        b.append(String.format("%-44s %s%n", "pod faults", v.path("podFaults")));
        b.append(String.format("%-44s %s%n", "Runs hit by pod faults", v.path("runsHitByPodFaults").asInt()));
        b.append(String.format("%-44s %s%n", "steps done, Job Failed (pod deleted at exit 0)", v.path("stepsSucceededWhoseJobFailedAfterExit0").asInt()));
        b.append(String.format("%-44s %s%n", "operator starts / exits not injected", v.path("operatorStarts").asInt() + " / "
                + v.path("operatorExitsNotInjected").asInt()));
        for (String c : Verdict.CATEGORIES) {
            b.append(String.format("%-44s %d%n", switch (c) {
                case "lost" -> "Runs lost (deleted or never finished)";
                case "twice" -> "steps run twice";
                case "stuck" -> "Runs stuck (> stuck-after past their last step)";
                case "inconsistent" -> "statuses contradicting Jobs/pods";
                default -> "unexplained outcomes";
            }, v.path(c).asInt()));
        }
        b.append(String.format("%-44s %.1f s%n", "longest last step -> Run finished", v.path("maxSecondsFromLastStepToRunFinished").asDouble()));
        b.append(String.format("%-44s %d MiB (last process)%n", "operator peak RSS", v.path("operatorPeakRssMiB").asLong()));
        Map<String, List<Double>> byKind = new TreeMap<>();
        for (JsonNode f : doc.path("recovery").path("faults")) {
            byKind.computeIfAbsent(f.path("kind").asText(), k -> new ArrayList<>()).add(f.path("recoveredAfterSeconds").asDouble());
        }
        b.append(String.format("%nrecovery: seconds from a fault's start to the operator's next visible work after it (Run status or Job);%n"
                + "for a lost node, to the first new Job of a step whose pod was on it%n"));
        byKind.forEach((k, xs) -> {
            List<Double> s = xs.stream().sorted().toList();
            if (s.get(s.size() - 1) < 0) {
                b.append(String.format("  %-20s n=%-3d none seen (nothing to recover)%n", k, s.size()));
            } else {
                b.append(String.format("  %-20s n=%-3d p50 %6.1f  max %6.1f%n", k, s.size(), s.get(s.size() / 2), s.get(s.size() - 1)));
            }
        });
        v.path("findings").fields().forEachRemaining(e -> {
            b.append(String.format("%n%s (%d):%n", e.getKey(), e.getValue().size()));
            int n = 0;
            for (JsonNode line : e.getValue()) {
                if (n++ == 20) {
                    b.append("  ...\n");
                    break;
                }
                b.append("  ").append(line.asText()).append('\n');
            }
        });
        for (JsonNode x : v.path("operatorExits")) {
            b.append(String.format("operator exit at %.0f s: %s%n", x.path("atSeconds").asDouble(), x.path("cause").asText()));
        }
        return b.toString();
    }
}
