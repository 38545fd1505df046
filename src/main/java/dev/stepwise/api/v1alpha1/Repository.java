package dev.stepwise.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** A git repository cloned by an init container into /workspace, the step's working directory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Repository {

    @JsonPropertyDescription("Clone URL: https://, http:// or git://. With tokenSecretRef it must be https://: the token is sent, as the "
            + "password of x-access-token, only over https and only to this URL's host.")
    @Required
    @Size(max = Bounds.URL)
    public String url;

    @JsonPropertyDescription("Branch, tag or commit to check out. Default: the remote's default branch.")
    @Size(max = 256)
    public String revision;

    @JsonPropertyDescription("Secret key holding a token for https authentication (refused with an http:// or git:// url).")
    public SecretKeySelector tokenSecretRef;
}
