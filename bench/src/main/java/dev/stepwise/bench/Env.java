package dev.stepwise.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Where things are (the clone, the local cluster's files) and the settings that shape the figures. */
final class Env {
    /** The identity the operator runs as, so the audit log tells its requests apart (bench/operator-kubeconfig). */
    static final String OPERATOR_USER = "system:serviceaccount:stepwise-system:stepwise-operator";
    /** JOSDK 5.2.1 ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER, used when QOSDK leaves it unset. */
    static final int JOSDK_DEFAULT_RECONCILIATION_THREADS = 50;

    final Path root;
    final Path adminKubeconfig;
    final Path operatorKubeconfig;
    final Path auditLog;
    final Path operatorJar;

    Env(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.adminKubeconfig = this.root.resolve(".cluster/kubeconfig");
        this.operatorKubeconfig = this.root.resolve(".cluster/conf/stepwise-operator.kubeconfig");
        this.auditLog = this.root.resolve(".cluster/logs/audit.log");
        // chaos/run starts the operator from a copy, so that a build during its run cannot pull the jar away
        String jar = System.getProperty("stepwise.operator.jar");
        this.operatorJar = jar != null ? Path.of(jar) : this.root.resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The flags of the running component, read from its command line in /proc (not from what we asked for). */
    Map<String, String> componentFlags(String component) {
        Map<String, String> flags = new LinkedHashMap<>();
        try {
            String pid = Files.readString(root.resolve(".cluster/pids/" + component + ".pid")).trim();
            String[] argv = Files.readString(Path.of("/proc", pid, "cmdline")).split("\0");
            for (int i = 1; i < argv.length; i++) {
                String a = argv[i];
                if (!a.startsWith("--")) {
                    continue;
                }
                int eq = a.indexOf('=');
                if (eq > 0) {
                    flags.put(a.substring(2, eq), a.substring(eq + 1));
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    flags.put(a.substring(2), argv[++i]);
                } else {
                    flags.put(a.substring(2), "true");
                }
            }
        } catch (IOException | RuntimeException e) {
            flags.put("error", "cannot read the flags of " + component + ": " + e.getMessage());
        }
        return flags;
    }

    /** kube-controller-manager's client rate limit and Job workers, with Kubernetes' defaults when a flag is absent. */
    Kcm kcm() {
        Map<String, String> f = componentFlags("kube-controller-manager");
        return new Kcm(Integer.parseInt(f.getOrDefault("kube-api-qps", "20")),
                Integer.parseInt(f.getOrDefault("kube-api-burst", "30")),
                Integer.parseInt(f.getOrDefault("concurrent-job-syncs", "5")));
    }

    record Kcm(int qps, int burst, int jobSyncs) {
        String label() {
            if (qps == 20 && burst == 30 && jobSyncs == 5) {
                return "kcm-default";
            }
            if (qps == 300 && burst == 500 && jobSyncs == 20) {
                return "kcm-tuned";
            }
            return "kcm-q" + qps + "-b" + burst + "-j" + jobSyncs;
        }

        String flags() {
            return "--kube-api-qps=" + qps + " --kube-api-burst=" + burst + " --concurrent-job-syncs=" + jobSyncs;
        }
    }

    ObjectNode clusterSettings(int kwokNodes) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        Kcm k = kcm();
        ObjectNode kcm = n.putObject("kubeControllerManager");
        kcm.put("label", k.label());
        kcm.put("kubeApiQps", k.qps());
        kcm.put("kubeApiBurst", k.burst());
        kcm.put("concurrentJobSyncs", k.jobSyncs());
        Map<String, String> s = componentFlags("kube-scheduler");
        ObjectNode sched = n.putObject("kubeScheduler");
        sched.put("kubeApiQps", s.getOrDefault("kube-api-qps", "50"));
        sched.put("kubeApiBurst", s.getOrDefault("kube-api-burst", "100"));
        n.put("kwokNodes", kwokNodes);
        n.put("kubernetesVersion", run(List.of("kubectl", "--kubeconfig", adminKubeconfig.toString(), "version", "-o", "json"))
                .replaceAll("(?s).*\"serverVersion\".*?\"gitVersion\":\\s*\"([^\"]+)\".*", "$1"));
        return n;
    }

    /** The operator's own concurrency and client limits, as the packaged jar's configuration sets them. */
    ObjectNode operatorSettings(List<String> jvmArgs) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        Properties p = appProperties();
        String threads = p.getProperty("quarkus.operator-sdk.concurrent-reconciliation-threads");
        n.put("reconcileThreads", threads == null ? JOSDK_DEFAULT_RECONCILIATION_THREADS : Integer.parseInt(threads.trim()));
        n.put("reconcileThreadsSource", threads == null
                ? "JOSDK 5.2.1 default (quarkus.operator-sdk.concurrent-reconciliation-threads not set)"
                : "application.properties: quarkus.operator-sdk.concurrent-reconciliation-threads=" + threads.trim());
        n.put("clientQps", "unlimited");
        n.put("clientBurst", "unlimited");
        n.put("clientLimitsNote", "Fabric8 7.4.0 has no client-side rate limiter (unlike client-go's 5 qps / 10 burst); "
                + "the Vert.x HTTP client Quarkus uses pools up to 8192 connections. Config.maxConcurrentRequests(64)/PerHost(5) "
                + "only bound the OkHttp client, which is not in the operator.");
        ObjectNode props = n.putObject("applicationProperties");
        p.stringPropertyNames().stream().sorted()
                .filter(k -> k.startsWith("quarkus.operator-sdk") || k.startsWith("quarkus.kubernetes-client") || k.startsWith("stepwise."))
                .forEach(k -> props.put(k, p.getProperty(k)));
        n.put("jar", operatorJar.toString());
        n.put("javaCommand", "java " + String.join(" ", jvmArgs) + (jvmArgs.isEmpty() ? "" : " ") + "-jar " + operatorJar);
        n.put("identity", OPERATOR_USER + " (bearer token, the shipped RBAC of operator/rbac)");
        return n;
    }

    /** application.properties as packaged into the operator's jar (falls back to the source tree). */
    Properties appProperties() {
        Properties p = new Properties();
        Path appJar = root.resolve("target/quarkus-app/app");
        try {
            List<Path> jars = new ArrayList<>();
            if (Files.isDirectory(appJar)) {
                try (var s = Files.list(appJar)) {
                    s.filter(f -> f.toString().endsWith(".jar")).forEach(jars::add);
                }
            }
            for (Path j : jars) {
                try (var zip = new java.util.zip.ZipFile(j.toFile())) {
                    var e = zip.getEntry("application.properties");
                    if (e != null) {
                        try (InputStream in = zip.getInputStream(e)) {
                            p.load(in);
                            return p;
                        }
                    }
                }
            }
            try (var r = Files.newBufferedReader(root.resolve("src/main/resources/application.properties"))) {
                p.load(r);
            }
        } catch (IOException e) {
            p.setProperty("error", e.getMessage());
        }
        return p;
    }

    ObjectNode machine() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("nproc", Runtime.getRuntime().availableProcessors());
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    n.put("memoryMiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    n.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
        n.put("kernel", System.getProperty("os.version"));
        n.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        n.put("hostname", run(List.of("hostname", "-s")).trim());
        return n;
    }

    ObjectNode git() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("commit", run(List.of("git", "-C", root.toString(), "rev-parse", "HEAD")).trim());
        n.put("dirty", !run(List.of("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no")).isBlank());
        return n;
    }

    /**
     * CPU seconds (utime+stime from /proc/PID/stat) of every cluster component, the harness itself
     * and the whole machine ("machine busy", from /proc/stat), to diff over a scenario.
     */
    Map<String, Double> cpuSnapshot(long operatorPid) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (var files = Files.list(root.resolve(".cluster/pids"))) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString().replace(".pid", "");
                double cpu = procCpu(Files.readString(f).trim());
                if (cpu >= 0) {
                    out.put(name, cpu);
                }
            }
        } catch (IOException ignored) {
            // no cluster files: nothing to report
        }
        if (operatorPid > 0) {
            out.put("operator", procCpu(Long.toString(operatorPid)));
        }
        out.put("harness", procCpu(Long.toString(ProcessHandle.current().pid())));
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            out.put("machine busy", busy / (double) CLK_TCK);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
        return out;
    }

    static final long CLK_TCK = clockTicks();

    private static long clockTicks() {
        try {
            return Long.parseLong(run(List.of("getconf", "CLK_TCK")).trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    static double procCpu(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLK_TCK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static ObjectNode cpuDelta(Map<String, Double> before, Map<String, Double> after, double wallSeconds) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        after.forEach((k, v) -> {
            Double b = before.get(k);
            if (b != null && b >= 0 && v >= 0) {
                n.put(k, Math.round((v - b) * 10) / 10.0);
            }
        });
        n.put("wallSeconds", Math.round(wallSeconds * 10) / 10.0);
        n.put("cores", Runtime.getRuntime().availableProcessors());
        return n;
    }

    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
