package dev.stepwise.core.start;

import dev.stepwise.api.v1alpha1.Run;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/** The other Runs of a Run's namespace, as far as a decision needs them: the Run a retry takes over from. */
public interface OtherRuns {
    OtherRuns NONE = new OtherRuns() {
        @Override
        public Optional<Run> get(String name) {
            return Optional.empty();
        }

        @Override
        public Map<String, Map<String, String>> storedOutputs(Run run) {
            return Map.of();
        }
    };

    /** The Run of that name in the same namespace, if it exists. */
    Optional<Run> get(String name);

    /** The real outputs of that Run's sensitive steps, by step (kept outside its status). */
    Map<String, Map<String, String>> storedOutputs(Run run);

    /** Every Run of that workflow in the namespace (for concurrency limits). */
    default List<Run> ofWorkflow(String workflow) {
        return List.of();
    }

    /** Runs of that workflow this process admitted a moment ago, whose pinned status the cache may not show yet. */
    default Set<String> admitting(String workflow) {
        return Set.of();
    }
}
