package dev.stepwise.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.api.v1alpha1.Bounds;
import dev.stepwise.api.v1alpha1.Param;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.Map;

/**
 * The bounds the CRD generator cannot take from an annotation: fields of the Kubernetes types our model embeds
 * (EnvVar, EnvFromSource, ResourceRequirements, Toleration, SecretKeySelector: Fabric8's classes, which we cannot
 * annotate) and the values of a map inside a map (the generator reads type annotations one level deep only).
 * Keyed by the end of the field's path ({@link SchemaWalk}); applied as the CRDs are generated.
 */
final class SchemaBounds {
    private static final String LENGTH = "maxLength";
    private static final String ITEMS = "maxItems";
    private static final String PROPERTIES = "maxProperties";

    static final Map<String, Map<String, Integer>> BY_PATH_END = Map.ofEntries(
            // Run.spec.stepParams: {step: {ENV: value}}
            Map.entry("spec.stepParams{}", Map.of(PROPERTIES, Bounds.ARGS)),
            Map.entry("spec.stepParams{}{}", Map.of(LENGTH, Param.MAX_VALUE_LENGTH)),
            // core/v1 EnvVar
            Map.entry("env[].name", Map.of(LENGTH, 256)),
            Map.entry("env[].value", Map.of(LENGTH, Bounds.ARG)),
            Map.entry("valueFrom.configMapKeyRef.key", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("valueFrom.configMapKeyRef.name", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("valueFrom.secretKeyRef.key", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("valueFrom.secretKeyRef.name", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("valueFrom.fieldRef.apiVersion", Map.of(LENGTH, 64)),
            Map.entry("valueFrom.fieldRef.fieldPath", Map.of(LENGTH, 256)),
            Map.entry("valueFrom.resourceFieldRef.containerName", Map.of(LENGTH, Bounds.LABEL)),
            Map.entry("valueFrom.resourceFieldRef.divisor", Map.of(LENGTH, Bounds.QUANTITY)),
            Map.entry("valueFrom.resourceFieldRef.resource", Map.of(LENGTH, 128)),
            // core/v1 EnvFromSource
            Map.entry("envFrom[].prefix", Map.of(LENGTH, 128)),
            Map.entry("envFrom[].configMapRef.name", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("envFrom[].secretRef.name", Map.of(LENGTH, Bounds.NAME)),
            // core/v1 SecretKeySelector (repository token, webhook token, notification URL)
            Map.entry("tokenSecretRef.key", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("tokenSecretRef.name", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("urlSecretRef.key", Map.of(LENGTH, Bounds.NAME)),
            Map.entry("urlSecretRef.name", Map.of(LENGTH, Bounds.NAME)),
            // core/v1 ResourceRequirements
            Map.entry("resources.claims", Map.of(ITEMS, 16)),
            Map.entry("resources.claims[].name", Map.of(LENGTH, Bounds.LABEL)),
            Map.entry("resources.claims[].request", Map.of(LENGTH, Bounds.LABEL)),
            Map.entry("resources.limits", Map.of(PROPERTIES, 32)),
            Map.entry("resources.limits{}", Map.of(LENGTH, Bounds.QUANTITY)),
            Map.entry("resources.requests", Map.of(PROPERTIES, 32)),
            Map.entry("resources.requests{}", Map.of(LENGTH, Bounds.QUANTITY)),
            // core/v1 Toleration: a label key is a 253-character prefix, '/', a 63-character name
            Map.entry("tolerations[].key", Map.of(LENGTH, 317)),
            Map.entry("tolerations[].value", Map.of(LENGTH, Bounds.LABEL)),
            Map.entry("tolerations[].operator", Map.of(LENGTH, 16)),
            Map.entry("tolerations[].effect", Map.of(LENGTH, 32)),
            // meta/v1 LabelSelector (InstanceType namespaceSelector)
            Map.entry("namespaceSelector.matchLabels", Map.of(PROPERTIES, 64)),
            Map.entry("namespaceSelector.matchLabels{}", Map.of(LENGTH, Bounds.LABEL)),
            Map.entry("namespaceSelector.matchExpressions", Map.of(ITEMS, 32)),
            Map.entry("namespaceSelector.matchExpressions[].key", Map.of(LENGTH, 317)),
            Map.entry("namespaceSelector.matchExpressions[].operator", Map.of(LENGTH, 16)),
            Map.entry("namespaceSelector.matchExpressions[].values", Map.of(ITEMS, 64)),
            Map.entry("namespaceSelector.matchExpressions[].values[]", Map.of(LENGTH, Bounds.LABEL)));

    private SchemaBounds() {
    }

    static HasMetadata apply(HasMetadata generated) {
        ObjectNode crd = Serialization.jsonMapper().valueToTree(generated);
        SchemaWalk.specs(crd, (path, node) -> BY_PATH_END.forEach((end, bounds) -> {
            if ((path.endsWith("." + end)) && node instanceof ObjectNode o) {
                bounds.forEach((k, v) -> {
                    if (!o.has(k)) {
                        o.put(k, v);
                    }
                });
            }
        }));
        return Serialization.jsonMapper().convertValue(crd, CustomResourceDefinition.class);
    }
}
