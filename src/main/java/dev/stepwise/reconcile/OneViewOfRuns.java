package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.start.OtherRuns;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The other Runs as one reconcile first saw them. The core decides twice in a reconcile (before
 * acting, and again with what the API server answered); the second decision must see the admission
 * of the first, even if another reconcile admitted a Run in between, or a Run that just created its
 * Jobs could find itself Queued.
 */
final class OneViewOfRuns implements OtherRuns {
    private final OtherRuns live;
    private final Map<String, List<Run>> ofWorkflow = new HashMap<>();
    private final Map<String, Set<String>> admitting = new HashMap<>();

    OneViewOfRuns(OtherRuns live) {
        this.live = live;
    }

    @Override
    public Optional<Run> get(String name) {
        return live.get(name);
    }

    @Override
    public Map<String, Map<String, String>> storedOutputs(Run run) {
        return live.storedOutputs(run);
    }

    @Override
    public List<Run> ofWorkflow(String workflow) {
        return ofWorkflow.computeIfAbsent(workflow, live::ofWorkflow);
    }

    @Override
    public Set<String> admitting(String workflow) {
        return admitting.computeIfAbsent(workflow, live::admitting);
    }
}
