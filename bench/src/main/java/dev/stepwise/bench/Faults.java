package dev.stepwise.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Does the faults to the local cluster: kills the operator, restarts the API server and etcd
 * (dev/cluster restart), cuts the operator off the API server (iptables on the loopback address
 * only the operator uses), deletes a KWOK node with its pods and brings it back, and evicts or
 * deletes step pods. Each cluster-wide fault is recorded with when it began and ended.
 */
final class Faults implements AutoCloseable {
    /** The loopback address only the operator's kubeconfig uses, so a cut hits nobody else. */
    static final String OPERATOR_API_ADDRESS = "127.0.0.2";
    private static final List<List<String>> CUT_RULES = List.of(
            List.of("INPUT", "-d", OPERATOR_API_ADDRESS, "-p", "tcp", "--dport", "6443", "-j", "DROP"),
            List.of("INPUT", "-s", OPERATOR_API_ADDRESS, "-p", "tcp", "--sport", "6443", "-j", "DROP"));

    /** One injected cluster-wide fault. */
    static final class Done {
        final FaultPlan.Fault fault;
        long startMs;
        long endMs;
        String detail = "";

        Done(FaultPlan.Fault fault) {
            this.fault = fault;
        }
    }

    final List<Done> done = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> podFaults = new ConcurrentHashMap<>();
    private final Env env;
    private final KubernetesClient client;
    private final String ns;
    private final OperatorSupervisor operator;
    private final ClusterRecord record;
    private final Path clusterLog;
    private final ScheduledExecutorService pods = Executors.newScheduledThreadPool(2);
    private final List<Thread> background = new ArrayList<>();
    private volatile boolean cut;

    Faults(Env env, KubernetesClient client, String ns, OperatorSupervisor operator, ClusterRecord record, Path clusterLog) {
        this.env = env;
        this.client = client;
        this.ns = ns;
        this.operator = operator;
        this.record = record;
        this.clusterLog = clusterLog;
    }

    /** Injects one fault; returns when it is over (a node loss goes on in the background). */
    void inject(FaultPlan.Fault f) throws Exception {
        Done d = new Done(f);
        d.startMs = System.currentTimeMillis();
        done.add(d);
        Bench.log("fault: %s%s", f.kind().label, f.seconds() > 0 ? " for " + f.seconds() + " s" : "");
        switch (f.kind()) {
            case OPERATOR_KILL -> operator.kill();
            case APISERVER_RESTART -> restart("kube-apiserver");
            case ETCD_RESTART -> restart("etcd");
            case NETWORK_CUT -> {
                cut(true);
                try {
                    Thread.sleep(f.seconds() * 1000L);
                } finally {
                    cut(false);
                }
            }
            case KWOK_NODE_LOSS -> {
                Thread t = new Thread(() -> loseNode(d), "node-loss");
                background.add(t);
                t.start();
                return;
            }
        }
        d.endMs = System.currentTimeMillis();
    }

    /** Waits for faults still going on in the background. */
    void awaitBackground() throws InterruptedException {
        for (Thread t : background) {
            t.join();
        }
    }

    /** Called for every new step pod: evict or delete it a little later, as the seed decides. */
    void maybePodFault(Pod pod, long seed, double evictShare, double deleteShare) {
        String name = pod.getMetadata().getName();
        FaultPlan.PodDecision d = FaultPlan.podFault(seed, name, evictShare, deleteShare);
        if (d.fault() == FaultPlan.PodFault.NONE) {
            return;
        }
        pods.schedule(() -> {
            try {
                var res = client.pods().inNamespace(ns).withName(name);
                boolean ok = d.fault() == FaultPlan.PodFault.EVICT ? res.evict() : !res.delete().isEmpty();
                String what = d.fault() == FaultPlan.PodFault.EVICT ? "evicted" : "deleted";
                podFaults.computeIfAbsent(what + (ok ? "" : " (refused or gone)"), k -> new AtomicInteger()).incrementAndGet();
                if (ok) {
                    mark(pod.getMetadata().getUid(), what);
                }
            } catch (RuntimeException e) {
                podFaults.computeIfAbsent("pod fault failed: " + e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
            }
        }, d.delayMs(), TimeUnit.MILLISECONDS);
    }

    private void mark(String podUid, String what) {
        ClusterRecord.PodRec p = record.pods.get(podUid);
        if (p != null) {
            p.injected = what;
        }
    }

    private void restart(String component) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(env.root.resolve("dev/cluster").toString(), "restart", component)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(clusterLog.toFile())).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("dev/cluster restart " + component + " did not finish in 180 s; see " + clusterLog);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("dev/cluster restart " + component + " failed; see " + clusterLog);
        }
    }

    /** Drops the operator's packets to and from the API server (it only talks to it on 127.0.0.2). */
    synchronized void cut(boolean on) throws IOException, InterruptedException {
        if (on == cut) {
            return;
        }
        for (List<String> rule : CUT_RULES) {
            List<String> cmd = new ArrayList<>(List.of("iptables", "-w", on ? "-I" : "-D"));
            cmd.addAll(rule);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out.trim());
            }
        }
        cut = on;
    }

    private void loseNode(Done d) {
        try {
            List<Node> kwok = client.nodes().withLabel("type", "kwok").list().getItems();
            if (kwok.isEmpty()) {
                d.detail = "no KWOK node";
                return;
            }
            Node node = kwok.get(d.fault.target() % kwok.size());
            String name = node.getMetadata().getName();
            int onIt = 0;
            for (ClusterRecord.PodRec p : record.pods.values()) {
                if (name.equals(p.node) && p.endedMs < 0 && !p.deleted) {
                    p.injected = "node lost";
                    onIt++;
                }
            }
            client.nodes().withName(name).delete();
            Thread.sleep(d.fault.seconds() * 1000L);
            ObjectMeta m = node.getMetadata();
            Node back = new Node();
            back.setMetadata(new ObjectMeta());
            back.getMetadata().setName(name);
            back.getMetadata().setLabels(m.getLabels());
            back.getMetadata().setAnnotations(m.getAnnotations());
            back.setSpec(node.getSpec());
            back.setStatus(node.getStatus());
            for (int i = 0; ; i++) {
                try {
                    client.nodes().resource(back).create();
                    break;
                } catch (RuntimeException e) {
                    if (i > 30) {
                        throw e;
                    }
                    Thread.sleep(2_000); // still being deleted, or the API server restarting
                }
            }
            d.detail = name + " with " + onIt + " unfinished pods";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            d.detail = "failed: " + e;
        } finally {
            d.endMs = System.currentTimeMillis();
        }
    }

    @Override
    public void close() {
        pods.shutdownNow();
        try {
            cut(false);
        } catch (IOException | InterruptedException | RuntimeException e) {
            Bench.log("could not remove the iptables rules: %s (iptables -D INPUT ... by hand)", e);
        }
    }
}
