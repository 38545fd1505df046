package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkflowSpec {

    @JsonPropertyDescription("false deactivates the workflow: no new Runs start (a Run of it fails at once). Default true.")
    @Default("true")
    public Boolean active;

    @JsonPropertyDescription("Free text describing what the workflow does.")
    @Size(max = 1024)
    public String description;

    // Unique names are checked by the operator (Ready=False naming the duplicate), not by a CEL rule: comparing
    // every pair costs n² and exceeded the API server's cost limit at 500 steps (found by BadInputE2E).
    @JsonPropertyDescription("Workflow inputs. A Run sets them in spec.params; each is also in every step's environment as PARAM_<NAME>.")
    @Size(max = 100)
    public List<Param> params = new ArrayList<>();

    @JsonPropertyDescription("Values applied to every step unless the step sets the field itself.")
    public StepDefaults defaults;

    // Unique names are checked by the operator (Ready=False naming the duplicate), not by a CEL rule: comparing
    // every pair costs n² and exceeded the API server's cost limit at 500 steps (found by BadInputE2E).
    @JsonPropertyDescription("The steps: a DAG through dependsOn. Step names are unique DNS-1123 labels.")
    @Required
    @Size(min = 1, max = 500)
    public List<Step> steps = new ArrayList<>();

    @JsonPropertyDescription("Cron triggers: each slot starts a Run named <workflow>-<yyyyMMddHHmm> (UTC), so no slot ever starts twice.")
    @Size(max = 20)
    public List<Schedule> schedules;

    @JsonPropertyDescription("An HTTP trigger: a POST with the bearer token from tokenSecretRef and a JSON object of params starts a Run (trigger webhook).")
    public Webhook webhook;

    @JsonPropertyDescription("What a new Run does while another Run of this workflow runs: Allow (default: run too), "
            + "Forbid (the new Run fails; a schedule slot is skipped), Replace (the running Runs are cancelled, then the new one starts).")
    public ConcurrencyPolicy concurrencyPolicy;

    @JsonPropertyDescription("At most this many Runs of this workflow run at once; more wait in phase Queued, started by "
            + "spec.priority (higher first), then age. 0 (default) = unlimited.")
    @io.fabric8.generator.annotation.Min(0)
    public Integer maxConcurrentRuns;

    @JsonPropertyDescription("Which finished Runs are kept. Runs managed by Argo CD or Flux, or labelled stepwise.dev/keep: \"true\", are never deleted.")
    public RunHistory runHistory;

    @JsonPropertyDescription("POST a JSON description of a Run to a URL (held in a Secret) when it succeeds, fails or runs too long.")
    @Size(max = 10)
    public List<Notification> notifications;

    @JsonPropertyDescription("Time limit of a whole Run from its start, a Go-style duration (a Run's spec.timeout overrides it). "
            + "Past it, running Jobs stop and the Run fails (DeadlineExceeded).")
    @io.fabric8.generator.annotation.Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String timeout;

    /** Concurrency policies of SPEC's Workflow. */
    public enum ConcurrencyPolicy { Allow, Forbid, Replace }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public ConcurrencyPolicy concurrencyPolicyOrDefault() {
        return concurrencyPolicy == null ? ConcurrencyPolicy.Allow : concurrencyPolicy;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public int maxConcurrentRunsOrDefault() {
        return maxConcurrentRuns == null ? 0 : maxConcurrentRuns;
    }

    public boolean activeOrDefault() {
        return active == null || active;
    }
}
