package dev.stepwise.core.workflow;

import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunHistory;
import dev.stepwise.api.v1alpha1.RunPhase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which finished Runs of a Workflow its runHistory deletes: beyond the newest N Succeeded and the
 * newest N Failed or Cancelled, and any finished longer than ttlAfterFinished. A Run a GitOps tool
 * manages is never deleted (the tool would create it again and so run it again), nor one labelled
 * {@code stepwise.dev/keep: "true"}; such Runs are left out of the counts too.
 */
public final class HistoryDecision {
    public static final String KEEP_LABEL = "stepwise.dev/keep";
    /** Marks of Argo CD (annotation or label tracking) and Flux (kustomize and helm controllers). */
    static final List<String> GITOPS_ANNOTATIONS = List.of("argocd.argoproj.io/tracking-id");
    static final List<String> GITOPS_LABELS = List.of("app.kubernetes.io/instance", "argocd.argoproj.io/instance",
            "kustomize.toolkit.fluxcd.io/name", "helm.toolkit.fluxcd.io/name");

    private HistoryDecision() {
    }

    /**
     * @param delete     Runs to delete now, oldest first
     * @param nextExpiry when the next kept Run passes its ttlAfterFinished, or null
     */
    public record Prune(List<String> delete, Instant nextExpiry) {
        public Duration wait(Instant now) {
            return nextExpiry == null ? null : Duration.between(now, nextExpiry).plusMillis(50);
        }
    }

    public static Prune decide(RunHistory history, Collection<Run> runs, Instant now) {
        if (history == null) {
            return new Prune(List.of(), null);
        }
        List<Run> succeeded = new ArrayList<>();
        List<Run> failed = new ArrayList<>();
        for (Run r : runs) {
            RunPhase phase = r.getStatus() == null ? null : r.getStatus().phase;
            if (phase == null || !phase.isFinished() || r.getMetadata().getDeletionTimestamp() != null || isProtected(r)) {
                continue;
            }
            (phase == RunPhase.Succeeded ? succeeded : failed).add(r);
        }
        Set<String> delete = new LinkedHashSet<>();
        overLimit(succeeded, history.successfulRunsLimit, delete);
        overLimit(failed, history.failedRunsLimit, delete);
        Duration ttl = GoDuration.parseOrNull(history.ttlAfterFinished);
        Instant next = null;
        if (ttl != null) {
            List<Run> all = new ArrayList<>(succeeded);
            all.addAll(failed);
            all.sort(NEWEST_FIRST.reversed());
            for (Run r : all) {
                Instant expiry = finishedAt(r).plus(ttl);
                if (!now.isBefore(expiry)) {
                    delete.add(r.getMetadata().getName());
                } else if (!delete.contains(r.getMetadata().getName()) && (next == null || expiry.isBefore(next))) {
                    next = expiry;
                }
            }
        }
        return new Prune(List.copyOf(delete), next);
    }

    /** Managed by a GitOps tool, or marked to keep. */
    public static boolean isProtected(Run r) {
        Map<String, String> labels = r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels();
        Map<String, String> annotations = r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations();
        return "true".equals(labels.get(KEEP_LABEL)) || GITOPS_LABELS.stream().anyMatch(labels::containsKey)
                || GITOPS_ANNOTATIONS.stream().anyMatch(annotations::containsKey);
    }

    private static void overLimit(List<Run> runs, Integer limit, Set<String> delete) {
        if (limit == null) {
            return;
        }
        runs.sort(NEWEST_FIRST);
        for (int i = limit; i < runs.size(); i++) {
            delete.add(runs.get(i).getMetadata().getName());
        }
    }

    private static final Comparator<Run> NEWEST_FIRST = Comparator.comparing(HistoryDecision::finishedAt).reversed()
            .thenComparing(r -> r.getMetadata().getName());

    private static Instant finishedAt(Run r) {
        Instant t = Times.parse(r.getStatus().finishedAt);
        if (t == null) {
            t = Times.parse(r.getMetadata().getCreationTimestamp());
        }
        return t == null ? Instant.EPOCH : t;
    }
}
