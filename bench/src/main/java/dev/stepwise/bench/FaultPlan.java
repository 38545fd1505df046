package dev.stepwise.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * When chaos/run injects which cluster-wide fault: a pure function of the seed and the counts, so
 * a run can be repeated fault for fault. Pod faults (evictions, deletions) are decided per pod as
 * pods appear ({@link #podFault}), from the seed and the pod's name.
 */
final class FaultPlan {
    enum Kind {
        OPERATOR_KILL("operator SIGKILL + restart"),
        APISERVER_RESTART("kube-apiserver restart"),
        ETCD_RESTART("etcd restart"),
        NETWORK_CUT("operator cut from the API server"),
        KWOK_NODE_LOSS("KWOK node deleted with its pods, then back");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One fault: at {@code atMs} after the stream started; {@code seconds} long where it lasts; {@code target} picks a node. */
    record Fault(Kind kind, long atMs, int seconds, int target) {
    }

    record Counts(int operatorKills, int apiserverRestarts, int etcdRestarts, int networkCuts, int nodeLosses) {
    }

    private FaultPlan() {
    }

    /** Faults spread at random over [5 s, durationMs), sorted by time. */
    static List<Fault> plan(long seed, long durationMs, Counts c) {
        Random r = new Random(seed);
        List<Fault> out = new ArrayList<>();
        long from = Math.min(5_000, durationMs / 4);
        add(out, r, Kind.OPERATOR_KILL, c.operatorKills(), from, durationMs, 0, 0);
        add(out, r, Kind.APISERVER_RESTART, c.apiserverRestarts(), from, durationMs, 0, 0);
        add(out, r, Kind.ETCD_RESTART, c.etcdRestarts(), from, durationMs, 0, 0);
        add(out, r, Kind.NETWORK_CUT, c.networkCuts(), from, durationMs, 3, 10);
        // a node stays away long enough for the pod garbage collector to delete its pods (40 s quarantine,
        // checked every 20 s); a node back after 52 s had its pods finish as if nothing happened
        add(out, r, Kind.KWOK_NODE_LOSS, c.nodeLosses(), from, durationMs, 80, 95);
        out.sort(Comparator.comparingLong(Fault::atMs));
        return out;
    }

    private static void add(List<Fault> out, Random r, Kind kind, int n, long from, long to, int minSec, int maxSec) {
        for (int i = 0; i < n; i++) {
            long at = from + (long) (r.nextDouble() * Math.max(1, to - from));
            int secs = maxSec == 0 ? 0 : minSec + r.nextInt(maxSec - minSec + 1);
            out.add(new Fault(kind, at, secs, r.nextInt(1 << 16)));
        }
    }

    enum PodFault { NONE, EVICT, DELETE }

    /** The fault for one pod (same seed and name, same answer) and its delay after the pod appeared. */
    record PodDecision(PodFault fault, long delayMs) {
    }

    static PodDecision podFault(long seed, String podName, double evictShare, double deleteShare) {
        Random r = new Random(seed * 1_000_003L + podName.hashCode());
        double roll = r.nextDouble();
        long delay = 300 + r.nextInt(4_000);
        if (roll < evictShare) {
            return new PodDecision(PodFault.EVICT, delay);
        }
        if (roll < evictShare + deleteShare) {
            return new PodDecision(PodFault.DELETE, delay);
        }
        return new PodDecision(PodFault.NONE, 0);
    }
}
