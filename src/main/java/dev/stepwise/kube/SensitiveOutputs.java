package dev.stepwise.kube;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.Names;
import dev.stepwise.core.run.steps.Outputs;
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
 * the Run (deleted with it), one key {@code <step>.json} per step (what the operator reads back) and
 * one key {@code <step>.outputs.<name>} per output (the raw value, which dependants' Jobs read through
 * a secretKeyRef, so no Job holds it). Dependants and later retries read them from there, so they
 * survive the step's pod and Job, which the operator deletes once they are stored. Only the operator writes the Secret, so
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
        return known.computeIfAbsent(run.getMetadata().getUid(), uid -> new ConcurrentHashMap<>(readOwn(run)));
    }

    /**
     * This Run's stored outputs. A Secret written before outputs had a key each (an operator upgraded
     * mid-run) gets them now, once, so its dependants' secretKeyRefs find them.
     */
    private Map<String, Map<String, String>> readOwn(Run run) {
        Secret s = client.secrets().inNamespace(run.getMetadata().getNamespace()).withName(secretName(run.getMetadata().getName())).get();
        if (s == null || !run.getMetadata().getUid().equals(Labels.controllerUid(s))) {
            return Map.of();
        }
        Map<String, Map<String, String>> stored = decode(s);
        Map<String, String> data = data(stored);
        if (!s.getData().keySet().containsAll(data.keySet())) {
            // a failure leaves nothing remembered (computeIfAbsent stores no value), so the next reconcile tries again
            merge(run.getMetadata().getNamespace(), s.getMetadata().getName(), data);
        }
        return stored;
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
        Map<String, String> data = data(byStep);
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
            merge(ns, name, data);
        }
        known.computeIfAbsent(run.getMetadata().getUid(), uid -> new ConcurrentHashMap<>()).putAll(byStep);
    }

    private void merge(String ns, String name, Map<String, String> data) {
        client.secrets().inNamespace(ns).withName(name).edit(s -> {
            Map<String, String> merged = new LinkedHashMap<>(s.getData() == null ? Map.of() : s.getData());
            merged.putAll(data);
            s.setData(merged);
            return s;
        });
    }

    /** The Secret's data for these outputs: {@code <step>.json} per step, {@code <step>.outputs.<name>} per output. */
    static Map<String, String> data(Map<String, Map<String, String>> byStep) {
        Map<String, String> data = new LinkedHashMap<>();
        byStep.forEach((step, values) -> {
            data.put(step + SUFFIX, encode(values));
            // one key per output too: what downstream steps' env reads through a secretKeyRef
            values.forEach((output, value) -> data.put(Outputs.secretKey(step, output),
                    Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        });
        return data;
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
            // <step>.json only: step names have no dot, and <step>.outputs.<name> keys hold single values
            if (key.endsWith(SUFFIX) && key.indexOf('.') == key.length() - SUFFIX.length()) {
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
