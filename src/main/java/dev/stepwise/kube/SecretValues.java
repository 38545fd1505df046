package dev.stepwise.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads one key of a Secret (a webhook token, a notification URL). Values are never logged by callers. */
public final class SecretValues {
    private SecretValues() {
    }

    /** The key's value (trimmed), or null when the Secret or the key is missing. */
    public static String read(KubernetesClient client, String namespace, SecretKeySelector ref) {
        if (ref == null || ref.getName() == null || ref.getKey() == null) {
            return null;
        }
        Secret s = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (s == null) {
            return null;
        }
        if (s.getData() != null && s.getData().get(ref.getKey()) != null) {
            return new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8).trim();
        }
        return s.getStringData() == null ? null : s.getStringData().get(ref.getKey());
    }
}
