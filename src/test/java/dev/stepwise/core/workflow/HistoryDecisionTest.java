package dev.stepwise.core.workflow;

import dev.stepwise.core.Fixtures;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunHistory;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.stepwise.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** runHistory: newest N per outcome, ttlAfterFinished, and the Runs that are never pruned. */
class HistoryDecisionTest {

    private static Run finished(String name, RunPhase phase, int minute) {
        Run r = Fixtures.run(name, 1, Map.of());
        r.setStatus(new RunStatus());
        r.getStatus().phase = phase;
        r.getStatus().finishedAt = T0.plus(Duration.ofMinutes(minute)).toString();
        return r;
    }

    private static RunHistory history(Integer ok, Integer failed, String ttl) {
        RunHistory h = new RunHistory();
        h.successfulRunsLimit = ok;
        h.failedRunsLimit = failed;
        h.ttlAfterFinished = ttl;
        return h;
    }

    @Test
    void keepsTheNewestNOfEachOutcomeAndNeverARunningOne() {
        Run running = Fixtures.run("running", 1, Map.of());
        List<Run> runs = List.of(finished("ok-1", RunPhase.Succeeded, 1), finished("ok-2", RunPhase.Succeeded, 2),
                finished("ok-3", RunPhase.Succeeded, 3), finished("bad-1", RunPhase.Failed, 4),
                finished("stop-1", RunPhase.Cancelled, 5), running);
        HistoryDecision.Prune p = HistoryDecision.decide(history(2, 1, null), runs, T0.plus(Duration.ofHours(1)));
        assertThat(p.delete()).containsExactlyInAnyOrder("ok-1", "bad-1");
        assertThat(p.nextExpiry()).isNull();
        assertThat(HistoryDecision.decide(null, runs, T0).delete()).isEmpty();
    }

    @Test
    void ttlDeletesWhatFinishedLongAgoAndSaysWhenTheNextExpires() {
        List<Run> runs = List.of(finished("old", RunPhase.Succeeded, 0), finished("new", RunPhase.Failed, 50));
        HistoryDecision.Prune p = HistoryDecision.decide(history(null, null, "1h"), runs, T0.plus(Duration.ofMinutes(70)));
        assertThat(p.delete()).containsExactly("old");
        assertThat(p.nextExpiry()).isEqualTo(T0.plus(Duration.ofMinutes(110)));
        assertThat(p.wait(T0.plus(Duration.ofMinutes(70)))).isBetween(Duration.ofMinutes(40), Duration.ofMinutes(41));
    }

    @Test
    void gitOpsManagedAndKeptRunsAreNeverDeletedNorCounted() {
        Run argo = finished("argo", RunPhase.Succeeded, 1);
        argo.getMetadata().setAnnotations(Map.of("argocd.argoproj.io/tracking-id", "app:stepwise.dev/Run:ns/argo"));
        Run flux = finished("flux", RunPhase.Succeeded, 2);
        flux.getMetadata().setLabels(Map.of("kustomize.toolkit.fluxcd.io/name", "runs"));
        Run kept = finished("kept", RunPhase.Succeeded, 3);
        kept.getMetadata().setLabels(Map.of("stepwise.dev/keep", "true"));
        Run plain = finished("plain", RunPhase.Succeeded, 0);
        HistoryDecision.Prune p = HistoryDecision.decide(history(1, 1, "1m"), List.of(argo, flux, kept, plain),
                T0.plus(Duration.ofHours(5)));
        assertThat(p.delete()).containsExactly("plain");
        assertThat(HistoryDecision.isProtected(argo)).isTrue();
        assertThat(HistoryDecision.isProtected(plain)).isFalse();
    }
}
