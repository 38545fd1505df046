package dev.stepwise.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One JSON merge patch, one request. Fabric8's {@code withName(..).patch(ctx, String)} GETs the
 * object first: a request for nothing on paths taken per Run. The patch is a value Jackson writes
 * (never JSON put together from strings); a {@code metadata.resourceVersion} in it makes it a
 * precondition (409 when the object changed).
 */
public final class MergePatch {
    private MergePatch() {
    }

    /**
     * Sets one metadata field of {@code current} (ownerReferences, finalizers) on the condition that
     * the object is still at the resourceVersion it was read at: a change since is a 409.
     */
    public static <T extends HasMetadata> T metadataIfUnchanged(KubernetesClient client, Class<T> type, HasMetadata current,
                                                               String field, Object value) {
        java.util.Map<String, Object> metadata = new java.util.LinkedHashMap<>();
        metadata.put("resourceVersion", current.getMetadata().getResourceVersion());
        metadata.put(field, value);
        return send(client, type, current.getMetadata().getNamespace(), current.getMetadata().getName(),
                java.util.Map.of("metadata", metadata));
    }

    public static <T extends HasMetadata> T send(KubernetesClient client, Class<T> type, String namespace, String name, Object patch) {
        String group = HasMetadata.getGroup(type);
        String url = group == null || group.isEmpty()
                ? URLUtils.join(client.getMasterUrl().toString(), "api", HasMetadata.getVersion(type), "namespaces", namespace,
                        HasMetadata.getPlural(type), name)
                : URLUtils.join(client.getMasterUrl().toString(), "apis", group, HasMetadata.getVersion(type), "namespaces", namespace,
                        HasMetadata.getPlural(type), name);
        String body = client.getKubernetesSerialization().asJson(patch);
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(url).method("PATCH", "application/merge-patch+json", body).build();
        try {
            HttpResponse<String> response = http.sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
            if (response.code() != 200) {
                throw new KubernetesClientException("HTTP " + response.code() + ": " + response.body(), response.code(), null);
            }
            return client.getKubernetesSerialization().unmarshal(response.body(), type);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException(e.getMessage(), e);
        }
    }
}
