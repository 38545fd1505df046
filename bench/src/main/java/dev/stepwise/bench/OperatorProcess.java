package dev.stepwise.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as it ships ({@code java -jar target/quarkus-app/quarkus-run.jar}, production
 * settings), a child process of the harness so that /proc tells its memory and CPU time.
 */
final class OperatorProcess implements AutoCloseable {
    private static final String READY_URL = "http://localhost:8080/q/health/ready";

    private final Process process;
    private final Path log;
    private final Thread killer;

    private OperatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.killer = new Thread(process::destroyForcibly, "kill-operator");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    static OperatorProcess start(Env env, List<String> jvmArgs, Path log) throws IOException, InterruptedException {
        return start(env, jvmArgs, log, env.operatorKubeconfig, false);
    }

    /** With another kubeconfig (chaos/run's points at an address it can cut), appending to the log when asked. */
    static OperatorProcess start(Env env, List<String> jvmArgs, Path log, Path kubeconfig, boolean appendLog)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(env.operatorJar)) {
            throw new IllegalStateException(env.operatorJar + " is missing: build it with mvn -q -B package -DskipTests");
        }
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalStateException(kubeconfig + " is missing: bench/operator-kubeconfig makes it");
        }
        if (readyStatus() > 0) {
            throw new IllegalStateException("something answers on " + READY_URL + ": another operator runs; stop it first");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(env.operatorJar.toString());
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(env.root.toFile()).redirectErrorStream(true)
                .redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(log.toFile()) : ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        OperatorProcess op = new OperatorProcess(pb.start(), log);
        long deadline = System.currentTimeMillis() + 120_000;
        while (readyStatus() != 200) {
            if (!op.process.isAlive()) {
                op.close();
                throw new IllegalStateException("the operator exited (" + op.process.exitValue() + ") before it was ready; see " + log);
            }
            if (System.currentTimeMillis() > deadline) {
                op.close();
                throw new IllegalStateException("the operator was not ready within 120 s; see " + log);
            }
            Thread.sleep(200);
        }
        return op;
    }

    /** SIGKILL, as a node or the OOM killer would: no shutdown hook runs, the lease is not released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** VmHWM (peak resident set) and VmRSS in KiB, from /proc/<pid>/status. */
    long[] memoryKiB() {
        long hwm = -1;
        long rss = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
        return new long[] {hwm, rss};
    }

    /** utime + stime of the process in seconds, from /proc/<pid>/stat. */
    double cpuSeconds() {
        return Env.procCpu(Long.toString(pid()));
    }

    /**
     * CPU seconds (utime + stime) per thread group of the process, from /proc/<pid>/task/*: threads named
     * alike (digits dropped: "C2 CompilerThread0", "vert.x-eventloop-thread-1") are one group, so JIT
     * compilation and GC show apart from the operator's own work. A thread that ended is not counted.
     */
    java.util.Map<String, Double> cpuSecondsByThreadGroup() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    double cpu = Env.procCpu(Long.toString(pid()) + "/task/" + task.getFileName());
                    if (cpu >= 0) {
                        out.merge(comm.replaceAll("[#0-9-]+$", "").replaceAll("[0-9]+", "N"), cpu, Double::sum);
                    }
                } catch (IOException ignored) {
                    // the thread ended
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
        return out;
    }

    int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException ignored) {
            // gone
        }
        return -1;
    }

    /** SIGTERM (so a flight recording is written), SIGKILL after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
    }

    private static int readyStatus() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(READY_URL).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }


    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
