package dev.stepwise.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The snapshot itself; the API server refuses any change of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "a WorkflowRevision is immutable")
public class WorkflowRevisionSpec {

    @JsonPropertyDescription("Name of the Workflow this is a revision of.")
    @Required
    @Size(max = Bounds.NAME)
    public String workflow;

    @JsonPropertyDescription("Revision number, counting up from 1.")
    @Required
    public Integer revision;

    @JsonPropertyDescription("Content hash of the template, used to publish a revision only when the spec changed.")
    @Size(max = 128)
    public String hash;

    @JsonPropertyDescription("The Workflow spec as it was when this revision was published.")
    @Required
    public WorkflowSpec template;
}
