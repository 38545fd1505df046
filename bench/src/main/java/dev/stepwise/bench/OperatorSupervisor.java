package dev.stepwise.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the operator running the way a Deployment would: chaos/run kills it with SIGKILL and it is
 * started again; when it exits on its own, that exit is recorded with its cause (from the log it
 * wrote) and it is started again too. Every exit chaos/run did not cause is an "exit" in the report.
 */
final class OperatorSupervisor implements AutoCloseable {
    static final String LEASE_LOST = "lost the leader-election Lease";

    /** One process of the operator: when it started, became ready, ended, and why. */
    static final class Life {
        long startedMs;
        long readyMs = -1;
        long endedMs = -1;
        String end = "";
    }

    private final Env env;
    private final List<String> jvmArgs;
    private final Path log;
    private final Path kubeconfig;
    final List<Life> lives = new ArrayList<>();
    private OperatorProcess current;
    private Life life;
    private volatile boolean stopping;
    private final Thread watcher;

    OperatorSupervisor(Env env, List<String> jvmArgs, Path log, Path kubeconfig) {
        this.env = env;
        this.jvmArgs = jvmArgs;
        this.log = log;
        this.kubeconfig = kubeconfig;
        this.watcher = new Thread(this::watch, "operator-watcher");
        this.watcher.setDaemon(true);
    }

    void start() throws InterruptedException {
        launch();
        watcher.start();
    }

    /** SIGKILL now, then start a new process (which waits for the dead one's Lease to expire). */
    synchronized void kill() throws InterruptedException {
        if (current != null && current.alive()) {
            current.kill();
            life.endedMs = System.currentTimeMillis();
            life.end = "SIGKILL by chaos/run";
        }
        launch();
    }

    synchronized double cpuSeconds() {
        return current == null ? -1 : current.cpuSeconds();
    }

    synchronized long[] memoryKiB() {
        return current == null ? new long[] {-1, -1} : current.memoryKiB();
    }

    private synchronized void launch() throws InterruptedException {
        for (int tries = 1; ; tries++) {
            life = new Life();
            life.startedMs = System.currentTimeMillis();
            lives.add(life);
            long logStart = size();
            try {
                current = OperatorProcess.start(env, withIdentity(lives.size()), log, kubeconfig, true);
                life.readyMs = System.currentTimeMillis();
                return;
            } catch (IOException | IllegalStateException e) {
                life.endedMs = System.currentTimeMillis();
                life.end = "did not become ready: " + e.getMessage() + cause(logStart);
                Bench.log("operator start %d failed: %s", tries, life.end);
                if (tries >= 5) {
                    throw new IllegalStateException("the operator did not start 5 times in a row; see " + log);
                }
                Thread.sleep(2_000);
            }
        }
    }

    /**
     * Every other start is a new pod (a new identity: it waits for the dead one's Lease to expire),
     * the others a container restarted in the same pod (same identity: it takes its Lease back at once).
     */
    private List<String> withIdentity(int start) {
        List<String> args = new ArrayList<>(jvmArgs);
        args.add("-Dstepwise.leader-election.identity=chaos-" + (start / 2));
        return args;
    }

    private void watch() {
        while (!stopping) {
            try {
                Thread.sleep(500);
                synchronized (this) {
                    if (stopping || current == null || current.alive()) {
                        continue;
                    }
                    life.endedMs = System.currentTimeMillis();
                    life.end = "exited with " + current.exitValue() + cause(0);
                    Bench.log("the operator exited on its own: %s", life.end);
                    launch();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Bench.log("restarting the operator failed: %s", e);
            }
        }
    }

    /** Why the process ended, from the last lines it logged. */
    private String cause(long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int off = (int) Math.min(all.length, Math.max(from, all.length - 20_000L));
            String tail = new String(all, off, all.length - off, StandardCharsets.UTF_8);
            if (tail.contains(LEASE_LOST)) {
                return " (" + LEASE_LOST + ")";
            }
            for (String marker : List.of("OutOfMemoryError", "Exception in thread", "FATAL", "Failed to start")) {
                int i = tail.lastIndexOf(marker);
                if (i >= 0) {
                    int end = tail.indexOf('\n', i);
                    return " (" + tail.substring(i, end < 0 ? tail.length() : Math.min(end, i + 300)) + ")";
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no log: no cause
        }
        return "";
    }

    private long size() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        stopping = true;
        watcher.interrupt();
        if (current != null) {
            current.close();
        }
    }
}
