package dev.stepwise.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Test objects written as the YAML a user would apply. */
public final class Yaml {
    private Yaml() {
    }

    public static <T extends HasMetadata> T load(Class<T> type, String yaml) {
        return Serialization.unmarshal(yaml, type);
    }
}
