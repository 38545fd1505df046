package dev.stepwise.kube;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.Names;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the outputs of sensitive steps outside status: in a Secret {@code <run>-outputs} owned by
 * the Run (deleted with it), one key {@code <step>.json} per step. Dependants and later retries read
 * them from there, so they survive the step's pod and Job. Only the operator writes the Secret, so
 * what it read or wrote is remembered per Run until the Run finishes.
 */
public final class SensitiveOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";
    private final KubernetesClient client;
    private final Map<String, Map<String, Map<String, String>>> known = new ConcurrentHashMap<>();

    public SensitiveOutputs(KubernetesClient client) {
        this.client = client;
    }

    public static String secretName(String run) {
        return Names.fit(run + "-outputs", 253);
    }

    /** The stored outputs by step; a Secret of that name that is not this Run's is ignored. */
    public Map<String, Map<String, String>> read(Run run) {
        return known.computeIfAbsent(run.getMetadata().getUid(), uid -> new ConcurrentHashMap<>(readStored(run)));
    }

    /** Another Run's stored outputs (the Run a retry copies from), read from the API server and not remembered. */
    public Map<String, Map<String, String>> readStored(Run run) {
        Secret s = client.secrets().inNamespace(run.getMetadata().getNamespace()).withName(secretName(run.getMetadata().getName())).get();
        return s == null || !run.getMetadata().getUid().equals(Labels.controllerUid(s)) ? Map.of() : decode(s);
    }

    /** Adds outputs to the Run's Secret, creating it if needed. */
    public void write(Run run, Map<String, Map<String, String>> byStep) {
        String ns = run.getMetadata().getNamespace();
        String name = secretName(run.getMetadata().getName());
        Map<String, String> data = new LinkedHashMap<>();
        byStep.forEach((step, values) -> data.put(step + SUFFIX, encode(values)));
        Secret wanted = new SecretBuilder()
                .withNewMetadata()
                    .withName(name).withNamespace(ns)
                    .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
                    .addToLabels(Labels.RUN, Labels.truncate(run.getMetadata().getName()))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(run.getApiVersion()).withKind(run.getKind())
                            .withName(run.getMetadata().getName()).withUid(run.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build();
        try {
            client.secrets().inNamespace(ns).resource(wanted).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Secret existing = client.secrets().inNamespace(ns).withName(name).get();
            if (existing == null || !run.getMetadata().getUid().equals(Labels.controllerUid(existing))) {
                throw new KubernetesClientException("Secret " + name + " exists and is not this Run's", 409, null);
            }
            client.secrets().inNamespace(ns).withName(name).edit(s -> {
                Map<String, String> merged = new LinkedHashMap<>(s.getData() == null ? Map.of() : s.getData());
                merged.putAll(data);
                s.setData(merged);
                return s;
            });
        }
        known.computeIfAbsent(run.getMetadata().getUid(), uid -> new ConcurrentHashMap<>()).putAll(byStep);
    }

    /** Forgets a Run (finished or deleted): its Secret is not read again. */
    public void forget(String runUid) {
        known.remove(runUid);
    }

    /** Forgets every Run but these (the ones that still exist): a Run deleted mid-run is never told finished. */
    public void retainOnly(java.util.Set<String> runUids) {
        known.keySet().retainAll(runUids);
    }

    int remembered() {
        return known.size();
    }

    private static String encode(Map<String, String> values) {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Map<String, String>> decode(Secret s) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (s.getData() == null) {
            return out;
        }
        s.getData().forEach((key, b64) -> {
            if (key.endsWith(SUFFIX)) {
                try {
                    out.put(key.substring(0, key.length() - SUFFIX.length()),
                            JSON.readValue(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8), new TypeReference<>() { }));
                } catch (IOException | IllegalArgumentException e) {
                    // a key someone else wrote: not an output
                }
            }
        });
        return out;
    }
}
