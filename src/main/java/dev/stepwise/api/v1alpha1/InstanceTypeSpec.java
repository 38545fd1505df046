package dev.stepwise.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceTypeSpec {

    @JsonPropertyDescription("Free text, e.g. '4 CPU, 16 GiB'.")
    @Size(max = 1024)
    public String description;

    @JsonPropertyDescription("true = used by steps that name no InstanceType. Exactly one should be the default.")
    @JsonProperty("default")
    public Boolean isDefault;

    @JsonPropertyDescription("core/v1 ResourceRequirements given to the step's container; the step's resources override per key.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Node selector of the step's pod.")
    @Size(max = 64)
    public Map<String, @Size(max = Bounds.LABEL) String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Tolerations of the step's pod.")
    @Size(max = 64)
    public List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("Whether steps on this InstanceType must run as a non-root user. Unset = the operator's "
            + "setting (stepwise.steps.run-as-non-root, default true: the pod passes Pod Security 'restricted'). "
            + "false = the container runs as its image's user, root included, with the runtime's default "
            + "capabilities (Pod Security 'baseline'): the way a step that needs root asks for it.")
    public Boolean runAsNonRoot;

    @JsonPropertyDescription("User ID the step's containers run as when running as non-root. Unset = the operator's "
            + "setting (stepwise.steps.run-as-user, default 65532).")
    @Min(1)
    public Long runAsUser;

    @JsonPropertyDescription("Which namespaces' Runs may use this InstanceType (a label selector on the Namespace). "
            + "Unset = every namespace. A step naming it in another namespace fails, naming the InstanceType and the "
            + "namespace; as the default InstanceType it applies only where it matches.")
    public LabelSelector namespaceSelector;

    @JsonPropertyDescription("ServiceAccount (of the Run's namespace) steps on this InstanceType run as, token mounted, "
            + "unless the step names its own. Unset = none: step pods mount no ServiceAccount token.")
    @Pattern(KubeNames.DNS_SUBDOMAIN)
    @Size(max = 253)
    public String serviceAccountName;

    @JsonIgnore
    public boolean isDefaultType() {
        return isDefault != null && isDefault;
    }
}
