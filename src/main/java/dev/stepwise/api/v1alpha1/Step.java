package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.ArrayList;
import java.util.List;

/** One node of the workflow's DAG. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.type) || self.type != 'sleep' || has(self.duration)", message = "a sleep step needs duration")
@ValidationRule(value = "!has(self.type) || self.type != 'waitForEvent' || has(self.event)", message = "a waitForEvent step needs event")
@ValidationRule(value = "!has(self.skipDownstream) || !self.skipDownstream || (has(self.skip) && self.skip)", message = "skipDownstream needs skip: true")
public class Step {

    @JsonPropertyDescription("Name of the step, a DNS-1123 label unique in the workflow.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    public String name;

    @JsonPropertyDescription("container (default: runs as a Job), sleep (waits for duration) or waitForEvent (waits for event).")
    public StepType type;

    @JsonPropertyDescription("Parent steps; this step starts when they are done (see runIf). The graph must be acyclic.")
    @Size(max = 500)
    public List<@Size(max = Bounds.LABEL) String> dependsOn = new ArrayList<>();

    @JsonPropertyDescription("Which parent outcomes let the step run: AllSucceeded (default), AllDone, AnySucceeded, AnyFailed, AllFailed. Otherwise the step is Skipped.")
    public RunIf runIf;

    @JsonPropertyDescription("CEL expression over params, steps.<name>.outputs and steps.<name>.phase; false = the step is Skipped.")
    @Size(max = 4096)
    public String when;

    @JsonPropertyDescription("true = the step is always Skipped.")
    public Boolean skip;

    @JsonPropertyDescription("With skip: true, its descendants are Skipped too.")
    public Boolean skipDownstream;

    @JsonPropertyDescription("Container image. Default: defaults.image.")
    @Size(max = Bounds.IMAGE)
    public String image;

    @JsonPropertyDescription("Entrypoint; {{...}} templates are resolved.")
    @Size(max = Bounds.ARGS)
    public List<@Size(max = Bounds.ARG) String> command = new ArrayList<>();

    @JsonPropertyDescription("Arguments; {{...}} templates are resolved.")
    @Size(max = Bounds.ARGS)
    public List<@Size(max = Bounds.ARG) String> args = new ArrayList<>();

    @JsonPropertyDescription("Environment variables (core/v1 EnvVar, valueFrom allowed); {{...}} templates in values are resolved.")
    @Size(max = Bounds.ARGS)
    public List<EnvVar> env = new ArrayList<>();

    @JsonPropertyDescription("Sources of environment variables (core/v1 EnvFromSource).")
    @Size(max = 64)
    public List<EnvFromSource> envFrom = new ArrayList<>();

    @JsonPropertyDescription("Name of the InstanceType giving resources, nodeSelector and tolerations. Default: defaults.instanceType, then the default InstanceType.")
    @Size(max = Bounds.NAME)
    public String instanceType;

    @JsonPropertyDescription("core/v1 ResourceRequirements; each key overrides the InstanceType's.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Ephemeral-storage request, a Kubernetes quantity such as 20Gi.")
    @Size(max = Bounds.QUANTITY)
    public String storage;

    @JsonPropertyDescription("Limit on one attempt's run time (the Job's activeDeadlineSeconds), a Go-style duration.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String timeout;

    @JsonPropertyDescription("An attempt whose pod is not running by then fails with the pod's reason (Unschedulable, ImagePullBackOff), a Go-style duration.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String pendingTimeout;

    @JsonPropertyDescription("Retry policy of the step. Default: defaults.retry, else no retry.")
    public RetryPolicy retry;

    @JsonPropertyDescription("true = imagePullPolicy Always.")
    public Boolean pullAlways;

    @JsonPropertyDescription("ServiceAccount (of the Run's namespace) the step's pod runs as, with its token mounted. "
            + "Unset = the InstanceType's serviceAccountName, else none: the pod mounts no ServiceAccount token "
            + "(automountServiceAccountToken: false) and so has no credentials for the API server.")
    @Pattern(KubeNames.DNS_SUBDOMAIN)
    @Size(max = 253)
    public String serviceAccountName;

    @JsonPropertyDescription("Git repository cloned into /workspace, the step's working directory.")
    public Repository repository;

    @JsonPropertyDescription("Output names this step may write as NAME=VALUE lines to $STEPWISE_OUTPUTS (at most 4 KiB in all).")
    @Size(max = 64)
    public List<@Size(max = Bounds.LABEL) String> outputs = new ArrayList<>();

    @JsonPropertyDescription("true = outputs and logs are shown as [REDACTED] in status; downstream steps still get the real values.")
    public Boolean sensitive;

    @JsonPropertyDescription("How long a sleep step waits, a Go-style duration.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String duration;

    @JsonPropertyDescription("The event a waitForEvent step waits for.")
    public EventWait event;

    @JsonIgnore
    public StepType typeOrDefault() {
        return type == null ? StepType.container : type;
    }

    @JsonIgnore
    public RunIf runIfOrDefault() {
        return runIf == null ? RunIf.AllSucceeded : runIf;
    }

    @JsonIgnore
    public boolean skipped() {
        return skip != null && skip;
    }

    @JsonIgnore
    public boolean skipsDownstream() {
        return skipped() && skipDownstream != null && skipDownstream;
    }

    @JsonIgnore
    public boolean redacted() {
        return sensitive != null && sensitive;
    }

    @JsonIgnore
    public boolean pullsAlways() {
        return pullAlways != null && pullAlways;
    }
}
