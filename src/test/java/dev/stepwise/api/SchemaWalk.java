package dev.stepwise.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Visits every node of an OpenAPI schema with a path such as {@code spec.steps[].env[].value} ({@code []} for
 * list items, {@code {}} for map values), so the bounds the CRDs get and the test of them name fields alike.
 */
final class SchemaWalk {
    private SchemaWalk() {
    }

    /** {@code visit} gets the schema and every node under it, depth first. */
    static void walk(String path, JsonNode schema, BiConsumer<String, JsonNode> visit) {
        visit.accept(path, schema);
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            var e = it.next();
            walk(path + "." + e.getKey(), e.getValue(), visit);
        }
        if (schema.path("items").isObject()) {
            walk(path + "[]", schema.path("items"), visit);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(path + "{}", schema.path("additionalProperties"), visit);
        }
    }

    /** Each kind's spec schema in a CRD, as {@code Kind.spec}. */
    static void specs(JsonNode crd, BiConsumer<String, JsonNode> visit) {
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            JsonNode spec = version.path("schema").path("openAPIV3Schema").path("properties").path("spec");
            if (!spec.isMissingNode()) {
                walk(kind + ".spec", spec, visit);
            }
        }
    }
}
