package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.List;

/** The revision's DAG, level by level, as the operator understood it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkflowRevisionStatus extends StatusBase {

    @JsonPropertyDescription("Number of steps.")
    public Integer steps;

    @JsonPropertyDescription("The steps level by level: level 0 has no parents, level n depends only on earlier levels.")
    public List<GraphLevel> graph = new ArrayList<>();

    /** One level of the DAG. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class GraphLevel {
        @JsonPropertyDescription("Level number, from 0.")
        public Integer level;
        @JsonPropertyDescription("Steps of this level with their parents.")
        public List<GraphNode> steps = new ArrayList<>();
    }

    /** One step of the DAG with its parents. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class GraphNode {
        @JsonPropertyDescription("Step name.")
        public String name;
        @JsonPropertyDescription("Names of the parent steps.")
        public List<String> dependsOn = new ArrayList<>();

        public GraphNode() {
        }

        public GraphNode(String name, List<String> dependsOn) {
            this.name = name;
            this.dependsOn = dependsOn;
        }
    }
}
