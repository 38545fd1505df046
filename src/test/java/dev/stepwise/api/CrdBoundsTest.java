package dev.stepwise.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC "Sharing a cluster": every text field has a bound the CRD states. Walks the committed CRDs and names
 * every string, list and map under a kind's spec without maxLength, maxItems or maxProperties (or an enum).
 * Status is written by the operator alone and bounded by StatusBudget, so it is not walked.
 */
class CrdBoundsTest {

    /** Fields that cannot carry a bound, with the reason; none today. Paths as {@link SchemaWalk} names them. */
    static final Map<String, String> UNBOUNDABLE = Map.of();

    private static List<JsonNode> crds() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(CrdsAreCurrentTest.COMMITTED)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                out.add(new YAMLMapper().readTree(f.toFile()));
            }
        }
        return out;
    }

    @Test
    void everyStringListAndMapOfEverySpecHasABound() throws IOException {
        List<String> unbounded = new ArrayList<>();
        List<String> freeForm = new ArrayList<>();
        for (JsonNode crd : crds()) {
            SchemaWalk.specs(crd, (path, node) -> {
                if (node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                    freeForm.add(path);
                } else if (freeForm.stream().noneMatch(path::startsWith) && !bounded(node)) {
                    unbounded.add(path);
                }
            });
        }
        unbounded.removeAll(UNBOUNDABLE.keySet());
        assertThat(unbounded).as("spec fields without maxLength / maxItems / maxProperties").isEmpty();
        assertThat(freeForm).as("free-form spec fields (nothing to bound; none today)").isEmpty();
    }

    @Test
    void theAllowListNamesOnlyFieldsThatExist() throws IOException {
        List<String> all = new ArrayList<>();
        for (JsonNode crd : crds()) {
            SchemaWalk.specs(crd, (path, node) -> all.add(path));
        }
        assertThat(all).containsAll(UNBOUNDABLE.keySet());
    }

    /** A string (or int-or-string) with maxLength or enum, a list with maxItems, a map with maxProperties. */
    static boolean bounded(JsonNode schema) {
        String type = schema.path("type").asText("");
        if (type.equals("string") || schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return schema.has("maxLength") || schema.has("enum");
        }
        if (type.equals("array")) {
            return schema.has("maxItems");
        }
        if (type.equals("object") && schema.has("additionalProperties")) {
            return schema.has("maxProperties");
        }
        return true;
    }
}
