package dev.stepwise.core.run.steps;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.core.LabelSelectors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The InstanceType a step's Job gets: the one it names (or its workflow's default names), else the
 * one InstanceType marked default. A named one that no longer exists, or several marked default,
 * is a problem the step fails with, never a Job built silently without its resources; so is a named
 * one whose namespaceSelector does not match the Run's namespace (SPEC "Sharing a cluster"). A
 * default InstanceType with a namespaceSelector is the default only where it matches, so each team
 * may have its own.
 *
 * @param spec    the chosen InstanceType, or null for none
 * @param reason  the attempt's reason when there is a problem, or null
 * @param problem why no Job can be built, or null
 */
record InstanceTypeChoice(InstanceTypeSpec spec, String reason, String problem) {
    static final String NOT_FOUND = "InstanceTypeNotFound";
    static final String NOT_ALLOWED = "InstanceTypeNotAllowed";

    /**
     * @param namespace       the Run's namespace
     * @param namespaceLabels its labels (what an InstanceType's namespaceSelector is matched against)
     */
    static InstanceTypeChoice of(String named, Map<String, InstanceTypeSpec> all, String namespace,
                                 Map<String, String> namespaceLabels) {
        if (named != null) {
            InstanceTypeSpec spec = all.get(named);
            if (spec == null) {
                return new InstanceTypeChoice(null, NOT_FOUND, "InstanceType '" + named + "' does not exist");
            }
            return LabelSelectors.matches(spec.namespaceSelector, namespaceLabels) ? new InstanceTypeChoice(spec, null, null)
                    : new InstanceTypeChoice(null, NOT_ALLOWED, "InstanceType '" + named + "' may not be used in namespace '"
                            + namespace + "': its namespaceSelector does not match the namespace's labels");
        }
        Map<String, InstanceTypeSpec> usable = new LinkedHashMap<>();
        all.forEach((name, spec) -> {
            if (LabelSelectors.matches(spec.namespaceSelector, namespaceLabels)) {
                usable.put(name, spec);
            }
        });
        List<String> defaults = defaults(usable);
        if (defaults.size() > 1) {
            return new InstanceTypeChoice(null, NOT_FOUND, "several InstanceTypes are marked default (" + String.join(", ", defaults)
                    + "): mark only one, or name an instanceType");
        }
        return new InstanceTypeChoice(defaults.isEmpty() ? null : usable.get(defaults.get(0)), null, null);
    }

    /** Names of the InstanceTypes marked default, sorted. */
    static List<String> defaults(Map<String, InstanceTypeSpec> instanceTypes) {
        return instanceTypes.entrySet().stream().filter(e -> e.getValue().isDefaultType()).map(Map.Entry::getKey)
                .sorted().toList();
    }
}
