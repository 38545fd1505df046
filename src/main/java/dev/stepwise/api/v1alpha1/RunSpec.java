package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.LinkedHashMap;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunSpec {

    @JsonPropertyDescription("The workflow to run and, optionally, which revision of it.")
    @Required
    @ValidationRule(value = "self == oldSelf", message = "workflowRef is immutable")
    public WorkflowRef workflowRef;

    @JsonPropertyDescription("Param values; workflow defaults fill in the rest.")
    @ValidationRule(value = "self == oldSelf", message = "params are immutable")
    public Map<String, String> params = new LinkedHashMap<>();

    @JsonPropertyDescription("true = stop running Jobs and finish as Cancelled. Idempotent.")
    public Boolean cancel;

    @JsonIgnore
    public boolean cancelRequested() {
        return cancel != null && cancel;
    }

    /** A reference to a Workflow and optionally one of its revisions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class WorkflowRef {
        @JsonPropertyDescription("Name of the Workflow, in the Run's namespace.")
        @Required
        public String name;

        @JsonPropertyDescription("Revision number to run. Default: the Workflow's current revision when the Run starts.")
        @Min(1)
        public Integer revision;

        public WorkflowRef() {
        }

        public WorkflowRef(String name, Integer revision) {
            this.name = name;
            this.revision = revision;
        }
    }
}
