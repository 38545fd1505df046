package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** An HTTP trigger: POST /webhooks/<namespace>/<workflow> with the bearer token starts a Run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Webhook {

    @JsonPropertyDescription("true = the operator accepts POST /webhooks/<namespace>/<workflow> for this workflow.")
    public Boolean enabled;

    @JsonPropertyDescription("The Secret key (in the workflow's namespace) holding the bearer token callers must send.")
    public SecretKeySelector tokenSecretRef;

    public boolean isEnabled() {
        return enabled != null && enabled;
    }
}
