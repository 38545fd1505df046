package dev.stepwise.core.workflow;

import dev.stepwise.core.Names;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepwise.api.v1alpha1.WorkflowSpec;

/** The content hash of what a Workflow runs; a new revision is published only when it changes. */
public final class ContentHash {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ContentHash() {
    }

    /** SHA-256 over the canonical JSON of the spec, leaving out what does not change what runs. */
    public static String of(WorkflowSpec spec) {
        ObjectNode tree = CANONICAL.valueToTree(spec);
        tree.remove("description");
        tree.remove("active");
        // when Runs start is not what they run
        tree.remove("schedules");
        tree.remove("concurrencyPolicy");
        tree.remove("maxConcurrentRuns");
        tree.remove("runHistory");
        tree.remove("webhook");
        try {
            return Names.sha256(CANONICAL.writeValueAsString(tree)).substring(0, 16);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
