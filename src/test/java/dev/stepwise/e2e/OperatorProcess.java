package dev.stepwise.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The operator as users run it: {@code KUBECONFIG=... java -jar target/quarkus-app/quarkus-run.jar},
 * a separate process whose output goes to target/e2e-operator-NAME.log. One per test class
 * (@BeforeAll/@AfterAll); a JVM shutdown hook kills it even when the test JVM dies.
 * Only one operator may run against the cluster at a time (no leader election yet), so {@link #start()}
 * refuses when another one answers on port 8080 or runs from a quarkus-run.jar.
 */
final class OperatorProcess implements AutoCloseable {
    static final String READY_URL = "http://localhost:8080/q/health/ready";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Path jar;
    private final Path log;
    private final Thread killer = new Thread(this::kill, "kill-operator");
    private Process process;
    private boolean hooked;

    private OperatorProcess(String name) {
        this.name = name;
        Path project = E2eCluster.projectDir();
        this.jar = project.resolve("target/quarkus-app/quarkus-run.jar");
        this.log = project.resolve("target/e2e-operator-" + name + ".log");
    }

    /** Starts the operator and waits until it is ready. */
    static OperatorProcess start(String name) {
        OperatorProcess op = new OperatorProcess(name);
        try {
            Files.deleteIfExists(op.log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        op.start();
        return op;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Resident memory of the operator's JVM in KiB (from /proc), or -1. */
    long rssKib() {
        if (process == null) {
            return -1;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    synchronized void start() {
        launch();
        awaitReady(READY_TIMEOUT);
    }

    private synchronized void launch() {
        if (isAlive()) {
            throw new IllegalStateException("operator " + name + " runs already (pid " + process.pid() + ")");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the operator jar " + jar + " is missing: build it first with "
                    + "mvn -q -B package -DskipTests (mvn -B verify -Pe2e builds it in the package phase)");
        }
        refuseOtherOperators();
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString())
                .directory(E2eCluster.projectDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("KUBECONFIG", E2eCluster.kubeconfig());
        // the clone init container's image: the one dev/cluster preloads (nothing can be pulled here)
        pb.environment().put("STEPWISE_GIT_IMAGE", E2eCluster.gitImage());
        // NotificationsE2E's receiver listens on this machine over http: only the allow-list lets it be reached
        pb.environment().put("STEPWISE_NOTIFICATIONS_ALLOWED_HOSTS", "127.0.0.1");
        try {
            Files.writeString(log, "=== e2e: starting the operator at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + String.join(" ", pb.command()), e);
        }
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(killer);
            hooked = true;
        }
    }

    /** Starts the operator and returns at once, before it is ready (see {@link #awaitReady}). */
    static OperatorProcess startWithoutWaiting(String name) {
        OperatorProcess op = new OperatorProcess(name);
        op.launch();
        return op;
    }

    /** Waits until the operator answers ready; fails (and kills it) if it exits or takes longer. */
    void awaitReady(Duration timeout) {
        Process p = process;
        try {
            await("operator " + name + " ready at " + READY_URL).atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("the operator exited with code " + p.exitValue()
                                    + " before it was ready; its log " + log + " ends with:\n" + logTail(40));
                        }
                        return readyStatus() == 200;
                    });
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
    }

    /** Kills the operator at once (SIGKILL): what a crash or a node loss does. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
        note("killed");
    }

    /** Stops the operator gracefully (SIGTERM), forcibly if it takes longer than 20 s. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(Duration.ofSeconds(20))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
        note("stopped");
    }

    @Override
    public void close() {
        stop();
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException ignored) {
                // the JVM shuts down already: the hook runs
            }
            hooked = false;
        }
    }

    /** The last lines of the operator's log, for failure messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void note(String what) {
        try {
            Files.writeString(log, "=== e2e: operator " + what + " at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // only a note
        }
    }

    private void refuseOtherOperators() {
        int status = readyStatus();
        if (status > 0) {
            throw new IllegalStateException("something answers on " + READY_URL + " (HTTP " + status
                    + "): another operator runs (dev/demo stop stops the demo's). Only one may run against the cluster.");
        }
        ProcessHandle.allProcesses()
                .filter(ph -> ph.pid() != ProcessHandle.current().pid())
                .filter(ph -> ph.info().commandLine().map(c -> c.contains("quarkus-run.jar")).orElse(false))
                .findFirst()
                .ifPresent(ph -> {
                    throw new IllegalStateException("another operator process runs (pid " + ph.pid() + ": "
                            + ph.info().commandLine().orElse("?") + "). Only one may run against the cluster; stop it first.");
                });
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
}
