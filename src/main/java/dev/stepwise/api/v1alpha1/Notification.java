package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

import java.util.ArrayList;
import java.util.List;

/** Tell someone about a Run: a POST of a JSON body describing it, on the events listed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Notification {

    /** When a notification is sent. */
    public enum On { Succeeded, Failed, Cancelled, RuntimeExceeded }

    @JsonPropertyDescription("Succeeded | Failed | Cancelled (the Run ended so) | RuntimeExceeded (still running after runtimeExceeded).")
    @Required
    @Size(min = 1, max = 4)
    public List<On> events = new ArrayList<>();

    @JsonPropertyDescription("For RuntimeExceeded: how long a Run may run before the notification, a Go-style duration.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String runtimeExceeded;

    @JsonPropertyDescription("Where to POST: the URL is kept in a Secret of the workflow's namespace (it often holds a token).")
    @Required
    public Target webhook;

    /** A URL held in a Secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Target {
        @JsonPropertyDescription("The Secret key holding the URL (e.g. a Slack incoming webhook).")
        @Required
        public SecretKeySelector urlSecretRef;
    }
}
