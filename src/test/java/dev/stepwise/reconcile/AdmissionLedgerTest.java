package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.core.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gap between admitting a Run and seeing it pinned, under contention and over time. */
class AdmissionLedgerTest {

    /** 16 threads race for 3 slots of one workflow: exactly 3 are admitted. */
    @Test
    @Timeout(30)
    void racingReconcilesNeverTakeMoreThanTheFreeSlots() throws Exception {
        AdmissionLedger ledger = new AdmissionLedger();
        String key = AdmissionLedger.key("data", "etl");
        Map<String, Run> cache = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> admitted = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String name = "etl-" + i;
            cache.put(name, Fixtures.run(name, 1, Map.of()));
            admitted.add(pool.submit(() -> {
                go.await();
                synchronized (ledger.lock(key)) {
                    if (ledger.inFlight(key, cache::get).size() >= 3) {
                        return false;
                    }
                    Thread.sleep(1); // the reconcile's work between deciding and recording
                    ledger.admitted(key, name);
                    return true;
                }
            }));
        }
        go.countDown();
        int taken = 0;
        for (Future<Boolean> f : admitted) {
            taken += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(taken).isEqualTo(3);
        assertThat(ledger.inFlight(key, cache::get)).hasSize(3);
    }

    /** Defect: a key per workflow ever seen stayed (its lock and its empty set). */
    @Test
    void aWorkflowWhoseAdmittedRunsPinnedOrWentIsForgotten() {
        AdmissionLedger ledger = new AdmissionLedger();
        Map<String, Run> cache = new ConcurrentHashMap<>();
        for (int i = 0; i < 1000; i++) {
            String key = AdmissionLedger.key("data", "wf-" + i);
            synchronized (ledger.lock(key)) {
                ledger.admitted(key, "run-" + i);
            }
        }
        assertThat(ledger.remembered()).isEqualTo(1000);
        Run pinned = Fixtures.run("run-0", 1, Map.of());
        pinned.setStatus(new RunStatus());
        pinned.getStatus().revision = "wf-0-r1";
        cache.put("run-0", pinned);
        for (int i = 0; i < 1000; i++) {
            String key = AdmissionLedger.key("data", "wf-" + i);
            synchronized (ledger.lock(key)) {
                assertThat(ledger.inFlight(key, cache::get)).isEmpty();
            }
        }
        assertThat(ledger.remembered()).isZero();
    }
}
