package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one shape on one engine and measures it: Stepwise (the packaged operator as a process,
 * Workflows and Runs created as a user would) or the baseline (the same pod template as Jobs the
 * harness creates itself, each as soon as its parents are seen finished).
 */
final class Bench {
    static final String INSTANCE_TYPE = "bench-kwok";
    static final String IMAGE = "busybox:1.36";
    static final List<String> COMMAND = List.of("true");
    static final ResourceDefinitionContext WORKFLOWS = new ResourceDefinitionContext.Builder()
            .withGroup("stepwise.dev").withVersion("v1alpha1").withKind("Workflow").withPlural("workflows").withNamespaced(true).build();
    static final ResourceDefinitionContext INSTANCE_TYPES = new ResourceDefinitionContext.Builder()
            .withGroup("stepwise.dev").withVersion("v1alpha1").withKind("InstanceType").withPlural("instancetypes").withNamespaced(false).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Concurrent create calls of the harness (Runs, or baseline Jobs). */
    private static final int CREATE_THREADS = 16;

    private final Env env;
    private final KubernetesClient client;
    private final long timeoutMs;
    private final Path workDir;

    Bench(Env env, KubernetesClient client, long timeoutSeconds, Path workDir) {
        this.env = env;
        this.client = client;
        this.timeoutMs = timeoutSeconds * 1000;
        this.workDir = workDir;
    }

    // ------------------------------------------------------------------ Stepwise

    ObjectNode stepwise(Shape shape, List<String> jvmArgs, Path jfr, boolean warmUp) throws Exception {
        String ns = namespace(shape.scenario() + "-sw");
        log("%s on Stepwise: %s, namespace %s", shape.scenario(), shape.description(), ns);
        ensureInstanceType();
        createNamespace(ns);
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("engine", "stepwise");
        r.put("namespace", ns);
        List<String> jvm = new ArrayList<>(jvmArgs);
        if (jfr != null) {
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr);
            r.put("jfr", jfr.toString());
        }
        Path opLog = workDir.resolve("operator-" + shape.scenario() + ".log");
        try {
            OperatorProcess op = OperatorProcess.start(env, jvm, opLog);
            try {
                r.put("operatorLog", opLog.toString());
                applyWorkflow(ns, shape);
                waitWorkflowReady(ns, shape.scenario());
                if (warmUp) {
                    r.set("warmUp", warmUp(ns, shape));
                }
                try (Tracker t = new Tracker(client, ns, true, null)) {
                    long offset = Audit.mark(env.auditLog);
                    double cpu0 = op.cpuSeconds();
                    Map<String, Double> threads0 = op.cpuSecondsByThreadGroup();
                    Map<String, Double> procs0 = env.cpuSnapshot(op.pid());
                    Map<String, Long> started = new ConcurrentHashMap<>();
                    long t0 = System.currentTimeMillis();
                    parallel(shape.runs(), i -> {
                        String name = shape.runName(i);
                        started.put(name, System.currentTimeMillis());
                        client.genericKubernetesResources(Tracker.RUNS).inNamespace(ns).resource(run(ns, name, shape.scenario())).create();
                    });
                    long created = System.currentTimeMillis();
                    boolean done = waitUntil(() -> t.runFinished.size() >= shape.runs(), t0,
                            () -> String.format("runs finished %d/%d, jobs seen %d, finished %d",
                                    t.runFinished.size(), shape.runs(), t.jobs.size(), t.jobsFinished()));
                    long tRuns = done ? t.runFinished.values().stream().mapToLong(Long::longValue).max().orElse(t0)
                            : System.currentTimeMillis();
                    double cpuRuns = op.cpuSeconds();
                    // the Job controller may still mark Jobs finished: wait (bounded) so every hand-off has both ends
                    boolean jobsDone = waitUntil(() -> t.jobsFinished() >= t.jobs.size(), System.currentTimeMillis(), 300_000,
                            () -> String.format("jobs finished %d/%d (Runs are done)", t.jobsFinished(), t.jobs.size()));
                    long tJobs = t.jobs.values().stream().mapToLong(j -> j.finished).max().orElse(tRuns);
                    long tEnd = Math.max(tRuns, tJobs);
                    double cpuEnd = op.cpuSeconds();
                    Map<String, Double> threadsEnd = op.cpuSecondsByThreadGroup();
                    r.set("cpuSecondsByProcess", Env.cpuDelta(procs0, env.cpuSnapshot(op.pid()), (tEnd - t0) / 1000.0));
                    long[] mem = op.memoryKiB();
                    r.put("operatorThreads", op.threads());
                    awaitAuditLog(client, env.auditLog, ns);
                    Audit audit = Audit.read(env.auditLog, offset, Env.OPERATOR_USER, t0, tEnd);

                    long failedRuns = t.runPhase.values().stream().filter(p -> !"Succeeded".equals(p)).count();
                    r.put("completed", done && failedRuns == 0);
                    r.put("runsFinished", t.runFinished.size());
                    r.put("runsFailed", failedRuns);
                    if (failedRuns > 0) {
                        r.put("firstFailure", t.runMessage.values().stream().findFirst().orElse("?"));
                    }
                    r.put("allJobsFinished", jobsDone);
                    r.put("createSeconds", (created - t0) / 1000.0);
                    common(r, shape, t, started, t0, tRuns, tJobs);
                    ObjectNode o = r.putObject("operator");
                    o.put("pid", op.pid());
                    o.put("peakRssMiB", round1(mem[0] / 1024.0));
                    o.put("rssAtEndMiB", round1(mem[1] / 1024.0));
                    o.put("cpuSeconds", round1(cpuEnd - cpu0));
                    o.put("cpuSecondsUntilRunsFinished", round1(cpuRuns - cpu0));
                    o.put("cpuSecondsSinceStart", round1(cpuEnd));
                    ObjectNode byThread = o.putObject("cpuSecondsByThreadGroup");
                    threadsEnd.entrySet().stream()
                            .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0.0)))
                            .filter(e -> e.getValue() >= 0.05)
                            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                            .forEach(e -> byThread.put(e.getKey(), round1(e.getValue())));
                    o.put("cpuUtilisation", round2((cpuEnd - cpu0) / Math.max(0.001, (tEnd - t0) / 1000.0)));
                    api(r, audit, shape, t.jobs.size(), t0, tEnd);
                    runSizes(r, ns);
                }
            } finally {
                try {
                    // while the operator still runs: it releases the WorkflowRevisions' in-use finalizer,
                    // without which the namespace would never go
                    deleteNamespace(ns);
                } finally {
                    op.close();
                }
            }
        } finally {
            if (client.namespaces().withName(ns).get() != null) {
                deleteNamespace(ns);
            }
        }
        return r;
    }

    /**
     * Runs the shape once before it is measured, on the same operator process, then deletes those Runs
     * and waits until their Jobs and pods are gone: the measured run then shows a JVM whose JIT compiler
     * has done its work (a long-lived operator's steady state), not the first minute after a start.
     */
    private ObjectNode warmUp(String ns, Shape shape) throws Exception {
        long t0 = System.currentTimeMillis();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < shape.runs(); i++) {
            names.add("warm-" + shape.runName(i));
        }
        log("warming the operator up: %s, the same shape first", shape.description());
        boolean done;
        try (Tracker w = new Tracker(client, ns, true, null)) {
            parallel(names.size(), i -> client.genericKubernetesResources(Tracker.RUNS).inNamespace(ns)
                    .resource(run(ns, names.get(i), shape.scenario())).create());
            done = waitUntil(() -> w.runFinished.size() >= names.size(), t0,
                    () -> String.format("warm-up runs finished %d/%d", w.runFinished.size(), names.size()));
        }
        for (String name : names) {
            client.genericKubernetesResources(Tracker.RUNS).inNamespace(ns).withName(name).delete();
        }
        waitUntil(() -> client.batch().v1().jobs().inNamespace(ns).list().getItems().isEmpty()
                        && client.pods().inNamespace(ns).list().getItems().isEmpty()
                        && client.genericKubernetesResources(Tracker.RUNS).inNamespace(ns).list().getItems().isEmpty(),
                System.currentTimeMillis(), 600_000, () -> "warm-up: waiting for its Runs, Jobs and pods to be gone");
        settle();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("runs", names.size());
        n.put("completed", done);
        n.put("seconds", round1((System.currentTimeMillis() - t0) / 1000.0));
        log("warm-up done in %.0f s", (System.currentTimeMillis() - t0) / 1000.0);
        return n;
    }

    // ------------------------------------------------------------------ baseline

    ObjectNode baseline(Shape shape) throws Exception {
        String ns = namespace(shape.scenario() + "-base");
        log("%s on the baseline (Jobs created by the harness): %s, namespace %s", shape.scenario(), shape.description(), ns);
        createNamespace(ns);
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("engine", "baseline");
        r.put("namespace", ns);
        Map<String, List<String>> children = shape.children();
        Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
        for (int i = 0; i < shape.runs(); i++) {
            for (var e : shape.parents().entrySet()) {
                waiting.put(shape.runName(i) + "/" + e.getKey(), new AtomicInteger(e.getValue().size()));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(CREATE_THREADS);
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger failedJobs = new AtomicInteger();
        try {
            try (Tracker t = new Tracker(client, ns, false, seen -> {
                if (seen.failed) {
                    failedJobs.incrementAndGet();
                    failure.compareAndSet(null, "job " + seen.name + " failed");
                    return;
                }
                for (String child : children.getOrDefault(seen.step, List.of())) {
                    if (waiting.get(seen.run + "/" + child).decrementAndGet() == 0) {
                        pool.submit(() -> createJob(ns, seen.run, child, failure));
                    }
                }
            })) {
                Map<String, Long> started = new ConcurrentHashMap<>();
                Map<String, Double> procs0 = env.cpuSnapshot(-1);
                long t0 = System.currentTimeMillis();
                List<Future<?>> roots = new ArrayList<>();
                for (int i = 0; i < shape.runs(); i++) {
                    String run = shape.runName(i);
                    started.put(run, System.currentTimeMillis());
                    for (String root : shape.roots()) {
                        roots.add(pool.submit(() -> createJob(ns, run, root, failure)));
                    }
                }
                for (Future<?> f : roots) {
                    f.get();
                }
                long created = System.currentTimeMillis();
                boolean done = waitUntil(() -> t.jobsFinished() >= shape.totalSteps() || failure.get() != null, t0,
                        () -> String.format("jobs seen %d, finished %d/%d", t.jobs.size(), t.jobsFinished(), shape.totalSteps()));
                long tEnd = t.jobs.values().stream().mapToLong(j -> j.finished).max().orElse(System.currentTimeMillis());
                if (!done) {
                    tEnd = System.currentTimeMillis();
                }
                r.set("cpuSecondsByProcess", Env.cpuDelta(procs0, env.cpuSnapshot(-1), (System.currentTimeMillis() - t0) / 1000.0));
                r.put("completed", done && failure.get() == null && t.jobsFinished() >= shape.totalSteps());
                if (failure.get() != null) {
                    r.put("firstFailure", failure.get());
                }
                r.put("jobsFailed", failedJobs.get());
                r.put("createSeconds", (created - t0) / 1000.0);
                common(r, shape, t, started, t0, tEnd, tEnd);
            }
        } finally {
            pool.shutdownNow();
            deleteNamespace(ns);
        }
        return r;
    }

    private void createJob(String ns, String run, String step, AtomicReference<String> failure) {
        try {
            client.batch().v1().jobs().inNamespace(ns).resource(baselineJob(ns, run, step)).create();
        } catch (KubernetesClientException e) {
            failure.compareAndSet(null, "creating job " + run + "-" + step + ": " + e.getMessage());
        }
    }

    /** The pod template the operator builds for a step of the bench Workflows (StepJobBuilder), without a Run to own it. */
    static Job baselineJob(String ns, String run, String step) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("bench.stepwise.dev/engine", "baseline");
        labels.put(Tracker.RUN_LABEL, run);
        labels.put(Tracker.STEP_LABEL, step);
        labels.put(Tracker.ATTEMPT_LABEL, "1");
        return new JobBuilder()
                .withNewMetadata().withName(run + "-" + step + "-1").withNamespace(ns).withLabels(labels).endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withEnableServiceLinks(false)
                            .withNodeSelector(Map.of("type", "kwok"))
                            .withTolerations(kwokToleration())
                            .addNewContainer()
                                .withName("step")
                                .withImage(IMAGE)
                                .withCommand(COMMAND)
                                .withEnv(new EnvVar("STEPWISE_OUTPUTS", "/dev/termination-log", null),
                                        new EnvVar("STEPWISE_RUN", run, null),
                                        new EnvVar("STEPWISE_WORKFLOW", "baseline", null),
                                        new EnvVar("STEPWISE_STEP", step, null),
                                        new EnvVar("STEPWISE_ATTEMPT", "1", null))
                                .withTerminationMessagePath("/dev/termination-log")
                                .withTerminationMessagePolicy("File")
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    static Toleration kwokToleration() {
        Toleration t = new Toleration();
        t.setKey("kwok.x-k8s.io/node");
        t.setOperator("Exists");
        t.setEffect("NoSchedule");
        return t;
    }

    // ------------------------------------------------------------------ figures

    /** Wall time, throughput, hand-off and start latencies, from the harness's own watches. */
    private void common(ObjectNode r, Shape shape, Tracker t, Map<String, Long> started, long t0, long tDone, long tJobs) {
        r.put("runs", shape.runs());
        r.put("stepsPerRun", shape.stepsPerRun());
        r.put("steps", shape.totalSteps());
        r.put("attempts", t.jobs.size());
        double wall = (tDone - t0) / 1000.0;
        r.put("wallSeconds", round2(wall));
        r.put("stepsPerMinute", round1(shape.totalSteps() / Math.max(0.001, wall) * 60));
        r.put("lastJobFinishedSeconds", round2((tJobs - t0) / 1000.0));

        Map<String, Tracker.JobSeen> byStep = new LinkedHashMap<>();
        for (Tracker.JobSeen j : t.jobs.values()) {
            if (j.podFinished < 0) {
                j.podFinished = t.podEndedAt(j.name);
            }
            byStep.merge(j.run + "/" + j.step, j, (a, b) -> a.attempt >= b.attempt ? a : b);
        }
        Map<String, Tracker.JobSeen> first = new LinkedHashMap<>();
        t.jobs.values().forEach(j -> first.merge(j.run + "/" + j.step, j, (a, b) -> a.attempt <= b.attempt ? a : b));
        List<Long> handoff = new ArrayList<>();
        List<Long> fromPod = new ArrayList<>();
        int missing = 0;
        List<Long> start = new ArrayList<>();
        for (int i = 0; i < shape.runs(); i++) {
            String run = shape.runName(i);
            long firstJob = Long.MAX_VALUE;
            for (var e : shape.parents().entrySet()) {
                Tracker.JobSeen child = first.get(run + "/" + e.getKey());
                if (child != null && e.getValue().isEmpty()) {
                    firstJob = Math.min(firstJob, child.created);
                }
                if (e.getValue().isEmpty()) {
                    continue;
                }
                long parentsDone = -1;
                long parentsPodDone = -1;
                boolean known = child != null;
                boolean podsKnown = true;
                for (String p : e.getValue()) {
                    Tracker.JobSeen pj = byStep.get(run + "/" + p);
                    if (pj == null || pj.finished < 0) {
                        known = false;
                        break;
                    }
                    parentsDone = Math.max(parentsDone, pj.finished);
                    if (pj.podFinished < 0) {
                        podsKnown = false;
                    } else {
                        parentsPodDone = Math.max(parentsPodDone, pj.podFinished);
                    }
                }
                if (!known) {
                    missing++;
                    continue;
                }
                handoff.add(child.created - parentsDone);
                if (podsKnown) {
                    fromPod.add(child.created - parentsPodDone);
                }
            }
            if (started.containsKey(run) && firstJob != Long.MAX_VALUE) {
                start.add(firstJob - started.get(run));
            }
        }
        ObjectNode h = r.putObject("handoffMs");
        h.setAll(Stats.of(handoff));
        h.put("unmeasured", missing);
        h.put("definition", "child Job first seen created minus the last parent Job first seen finished (Complete/Failed), harness watch, ms");
        ObjectNode hp = r.putObject("handoffFromPodMs");
        hp.setAll(Stats.of(fromPod));
        hp.put("definition", "child Job first seen created minus the last parent's pod first seen Succeeded/Failed, harness watch, ms");
        ObjectNode s = r.putObject("startLatencyMs");
        s.setAll(Stats.of(start));
        s.put("definition", "first Job of a Run (or baseline DAG) seen created minus the harness's create call for it, ms");
    }

    private void api(ObjectNode r, Audit a, Shape shape, int attempts, long t0, long tEnd) {
        ObjectNode n = r.putObject("api");
        n.put("source", "kube-apiserver audit log, user " + Env.OPERATOR_USER + ", stage ResponseComplete, requests received "
                + "from the first Run create until the last Run and Job were seen finished");
        n.put("windowSeconds", round2((tEnd - t0) / 1000.0));
        n.put("total", a.total);
        n.put("perStep", round2(a.total / (double) shape.totalSteps()));
        n.put("writes", a.writes);
        n.put("writesPerAttempt", round2(a.writes / (double) Math.max(1, attempts)));
        ObjectNode by = n.putObject("byVerbResource");
        ObjectNode per = n.putObject("perStepByVerbResource");
        a.byVerbResource.forEach((k, v) -> {
            by.put(k, v);
            per.put(k, round2(v / (double) shape.totalSteps()));
        });
        ObjectNode err = n.putObject("errors");
        a.errorsByCode.forEach(err::put);
        ObjectNode ua = n.putObject("userAgents");
        a.userAgents.forEach(ua::put);
    }

    private void runSizes(ObjectNode r, String ns) {
        long max = 0;
        long maxNoManaged = 0;
        long sum = 0;
        String biggest = null;
        List<GenericKubernetesResource> runs = client.genericKubernetesResources(Tracker.RUNS).inNamespace(ns).list().getItems();
        for (GenericKubernetesResource run : runs) {
            long bytes = Serialization.asJson(run).getBytes(StandardCharsets.UTF_8).length;
            sum += bytes;
            if (bytes > max) {
                max = bytes;
                biggest = run.getMetadata().getName();
            }
            run.getMetadata().setManagedFields(null);
            maxNoManaged = Math.max(maxNoManaged, Serialization.asJson(run).getBytes(StandardCharsets.UTF_8).length);
        }
        ObjectNode n = r.putObject("runObject");
        n.put("maxBytes", max);
        n.put("maxBytesWithoutManagedFields", maxNoManaged);
        n.put("avgBytes", runs.isEmpty() ? 0 : sum / runs.size());
        n.put("largest", biggest);
    }

    // ------------------------------------------------------------------ cluster objects

    private void ensureInstanceType() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("description", "KWOK nodes: the benchmark's steps never run a container");
        spec.put("default", false);
        spec.put("nodeSelector", Map.of("type", "kwok"));
        spec.put("tolerations", List.of(Map.of("key", "kwok.x-k8s.io/node", "operator", "Exists", "effect", "NoSchedule")));
        GenericKubernetesResource it = generic("InstanceType", null, INSTANCE_TYPE, spec);
        client.genericKubernetesResources(INSTANCE_TYPES).resource(it).forceConflicts().serverSideApply();
    }

    private void applyWorkflow(String ns, Shape shape) {
        List<Map<String, Object>> steps = new ArrayList<>();
        shape.parents().forEach((name, parents) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", name);
            s.put("command", COMMAND);
            if (!parents.isEmpty()) {
                s.put("dependsOn", parents);
            }
            steps.add(s);
        });
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("description", "benchmark: " + shape.description());
        spec.put("defaults", Map.of("image", IMAGE, "instanceType", INSTANCE_TYPE));
        spec.put("steps", steps);
        client.genericKubernetesResources(WORKFLOWS).inNamespace(ns).resource(generic("Workflow", ns, shape.scenario(), spec)).create();
    }

    /**
     * Waits (at most 60 s) until the audit log has caught up: it is written as responses complete, so
     * once it shows a request the harness sends now (a GET of a ConfigMap that does not exist, named
     * for this wait), every request answered before that one is in it too.
     */
    static boolean awaitAuditLog(KubernetesClient client, Path log, String ns) throws InterruptedException {
        long from = Audit.mark(log);
        String marker = "audit-caught-up-" + Long.toString(System.nanoTime(), 36);
        client.configMaps().inNamespace(ns).withName(marker).get();
        return waitUntil(() -> Audit.contains(log, from, "\"" + marker + "\""), System.currentTimeMillis(), 60_000,
                () -> "the audit log shows no request for ConfigMap " + marker);
    }

    private void waitWorkflowReady(String ns, String name) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            GenericKubernetesResource wf = client.genericKubernetesResources(WORKFLOWS).inNamespace(ns).withName(name).get();
            JsonNode status = wf == null ? null : JSON.valueToTree(wf.getAdditionalProperties().get("status"));
            if (status != null && status.path("currentRevision").isTextual()) {
                for (JsonNode c : status.path("conditions")) {
                    if ("Ready".equals(c.path("type").asText())) {
                        if ("True".equals(c.path("status").asText())) {
                            return;
                        }
                        if ("Invalid".equals(c.path("reason").asText())) {
                            throw new IllegalStateException("workflow " + name + " is invalid: " + c.path("message").asText());
                        }
                    }
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("workflow " + ns + "/" + name + " not Ready after 90 s: " + status);
            }
            Thread.sleep(100);
        }
    }

    static GenericKubernetesResource run(String ns, String name, String workflow) {
        return generic("Run", ns, name, Map.of("workflowRef", Map.of("name", workflow)));
    }

    static GenericKubernetesResource generic(String kind, String ns, String name, Map<String, Object> spec) {
        GenericKubernetesResource g = new GenericKubernetesResource();
        g.setApiVersion("stepwise.dev/v1alpha1");
        g.setKind(kind);
        g.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        g.setAdditionalProperty("spec", spec);
        return g;
    }

    private static String namespace(String what) {
        return "bench-" + what + "-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    }

    private void createNamespace(String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels("bench.stepwise.dev/scenario", "true").endMetadata().build()).create();
    }

    /** Deletes the namespace and waits until it is gone, so the next scenario starts on a quiet cluster. */
    void deleteNamespace(String ns) throws InterruptedException {
        long t0 = System.currentTimeMillis();
        try {
            client.namespaces().withName(ns).delete();
        } catch (KubernetesClientException e) {
            log("could not delete namespace %s: %s", ns, e.getMessage());
            return;
        }
        waitUntil(() -> client.namespaces().withName(ns).get() == null, t0, 900_000,
                () -> "deleting namespace " + ns + ": " + client.pods().inNamespace(ns).list().getItems().size() + " pods, "
                        + client.batch().v1().jobs().inNamespace(ns).list().getItems().size() + " jobs left");
        log("namespace %s deleted in %.1f s", ns, (System.currentTimeMillis() - t0) / 1000.0);
        settle();
    }

    /**
     * Waits (at most 120 s) until the machine is quiet: under 25 % busy over 3 s. Deleting 1,000 Jobs
     * leaves the control plane busy for a while after the namespace is gone (garbage collection,
     * etcd), which made the next scenario up to 15 % slower.
     */
    static void settle() throws InterruptedException {
        long t0 = System.currentTimeMillis();
        double busy = 1;
        while (System.currentTimeMillis() - t0 < 120_000) {
            long[] a = machineJiffies();
            Thread.sleep(3000);
            long[] b = machineJiffies();
            busy = (b[0] - a[0]) / (double) Math.max(1, b[1] - a[1]);
            if (busy < 0.25) {
                log("machine quiet (%.0f %% busy) after %.0f s", busy * 100, (System.currentTimeMillis() - t0) / 1000.0);
                return;
            }
        }
        log("machine still %.0f %% busy after 120 s; going on", busy * 100);
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat. */
    private static long[] machineJiffies() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            return new long[] {busy, total};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[] {0, 1};
        }
    }

    // ------------------------------------------------------------------ helpers

    interface Check {
        boolean done() throws Exception;
    }

    interface Progress {
        String text();
    }

    interface Task {
        void run(int i) throws Exception;
    }

    private boolean waitUntil(Check check, long since, Progress progress) throws Exception {
        return waitUntil(check, since, timeoutMs, progress);
    }

    private static boolean waitUntil(Check check, long since, long timeoutMs, Progress progress) throws InterruptedException {
        long lastReport = System.currentTimeMillis();
        while (true) {
            try {
                if (check.done()) {
                    return true;
                }
            } catch (Exception e) {
                // keep polling: a transient API error must not end the wait
            }
            long now = System.currentTimeMillis();
            if (now - since > timeoutMs) {
                log("timed out after %d s: %s", (now - since) / 1000, progress.text());
                return false;
            }
            if (now - lastReport >= 10_000) {
                log("  %5.0f s  %s", (now - since) / 1000.0, progress.text());
                lastReport = now;
            }
            Thread.sleep(20);
        }
    }

    private static void parallel(int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, CREATE_THREADS));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    task.run(k);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static void log(String fmt, Object... args) {
        System.err.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
