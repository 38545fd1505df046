package dev.stepwise.core.run.steps;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;

import java.util.List;
import java.util.Map;

/**
 * The InstanceType a step's Job gets: the one it names (or its workflow's default names), else the
 * one InstanceType marked default. A named one that no longer exists, or several marked default,
 * is a problem the step fails with, never a Job built silently without its resources.
 *
 * @param spec    the chosen InstanceType, or null for none
 * @param problem why no Job can be built, or null
 */
record InstanceTypeChoice(InstanceTypeSpec spec, String problem) {

    static InstanceTypeChoice of(String named, Map<String, InstanceTypeSpec> instanceTypes) {
        if (named != null) {
            InstanceTypeSpec spec = instanceTypes.get(named);
            return spec != null ? new InstanceTypeChoice(spec, null)
                    : new InstanceTypeChoice(null, "InstanceType '" + named + "' does not exist");
        }
        List<String> defaults = defaults(instanceTypes);
        if (defaults.size() > 1) {
            return new InstanceTypeChoice(null, "several InstanceTypes are marked default (" + String.join(", ", defaults)
                    + "): mark only one, or name an instanceType");
        }
        return new InstanceTypeChoice(defaults.isEmpty() ? null : instanceTypes.get(defaults.get(0)), null);
    }

    /** Names of the InstanceTypes marked default, sorted. */
    static List<String> defaults(Map<String, InstanceTypeSpec> instanceTypes) {
        return instanceTypes.entrySet().stream().filter(e -> e.getValue().isDefaultType()).map(Map.Entry::getKey)
                .sorted().toList();
    }
}
