package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Follows a Run as a user does with {@code kubectl get run -w}: polls it until it finishes, checks on
 * every snapshot that its conditions agree with its phase (SPEC "Conditions and GitOps health"),
 * and keeps what it saw for later assertions.
 */
final class RunWatch {
    static final Duration RUN_DEADLINE = Duration.ofSeconds(90);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    final List<Run> seen = new ArrayList<>();
    final List<String> violations = new ArrayList<>();

    RunWatch(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    Run get() {
        return client.resources(Run.class).inNamespace(namespace).withName(name).get();
    }

    /** Polls until the Run is Succeeded, Failed or Cancelled; calls onEach with every snapshot. */
    Run awaitFinished(OperatorProcess operator, Consumer<Run> onEach) {
        Run[] last = new Run[1];
        try {
            await("Run " + namespace + "/" + name + " finished").atMost(RUN_DEADLINE).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        Run r = get();
                        last[0] = r;
                        if (r == null) {
                            return false;
                        }
                        record(r);
                        if (onEach != null) {
                            onEach.accept(r);
                        }
                        return r.getStatus() != null && r.getStatus().phase != null && r.getStatus().phase.isFinished();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Run " + namespace + "/" + name + " did not finish within " + RUN_DEADLINE
                    + ". Last seen:\n" + (last[0] == null ? "(no such Run)" : Serialization.asYaml(last[0]))
                    + (operator == null ? "" : "\noperator log " + operator.log() + " ends with:\n" + operator.logTail(30)), e);
        }
        assertThat(violations).as("conditions disagreeing with the phase while the Run was followed").isEmpty();
        return last[0];
    }

    Run awaitFinished(OperatorProcess operator) {
        return awaitFinished(operator, null);
    }

    private void record(Run r) {
        if (seen.isEmpty() || !Objects.equals(seen.get(seen.size() - 1).getMetadata().getResourceVersion(),
                r.getMetadata().getResourceVersion())) {
            seen.add(r);
            String problem = conditionProblem(r);
            if (problem != null) {
                violations.add("resourceVersion " + r.getMetadata().getResourceVersion() + ": " + problem
                        + "\n" + Serialization.asYaml(r.getStatus()));
            }
        }
    }

    /** The conditions table of SPEC "Conditions and GitOps health", as one assertion on a Run. */
    static void assertConditionsFollowPhase(Run run) {
        String problem = conditionProblem(run);
        assertThat(problem).as("conditions of Run %s:\n%s", run.getMetadata().getName(),
                Serialization.asYaml(run.getStatus())).isNull();
    }

    /** null when the conditions agree with the phase, else what is wrong. */
    static String conditionProblem(Run run) {
        var s = run.getStatus();
        if (s == null || s.phase == null) {
            return null; // not seen by the operator yet
        }
        Long generation = run.getMetadata().getGeneration();
        if (s.observedGeneration == null || s.observedGeneration > generation) {
            return "status.observedGeneration " + s.observedGeneration + " != metadata.generation " + generation;
        }
        if (s.observedGeneration < generation) {
            return null; // an edit (suspend, events) the operator has not seen yet: kstatus rightly reads InProgress
        }
        String succeeded, ready, reconciling, stalled;
        switch (s.phase) {
            case Succeeded -> { succeeded = "True"; ready = "True"; reconciling = "False"; stalled = "False"; }
            case Failed, Cancelled -> { succeeded = "False"; ready = "False"; reconciling = "False"; stalled = "True"; }
            default -> { succeeded = "Unknown"; ready = "False"; reconciling = "True"; stalled = "False"; }
        }
        List<String> wrong = new ArrayList<>();
        check(s.conditions, "Succeeded", succeeded, false, s.phase, wrong);
        check(s.conditions, "Ready", ready, false, s.phase, wrong);
        check(s.conditions, "Reconciling", reconciling, true, s.phase, wrong);
        check(s.conditions, "Stalled", stalled, true, s.phase, wrong);
        for (Condition c : s.conditions == null ? List.<Condition>of() : s.conditions) {
            if (!Objects.equals(c.getObservedGeneration(), generation)) {
                wrong.add("condition " + c.getType() + " observedGeneration " + c.getObservedGeneration());
            }
        }
        return wrong.isEmpty() ? null : "phase " + s.phase + ": " + String.join("; ", wrong);
    }

    /** absentMeansFalse: the table allows "(absent or False)". */
    private static void check(List<Condition> conditions, String type, String want, boolean absentMeansFalse,
                              RunPhase phase, List<String> wrong) {
        Optional<Condition> c = conditions == null ? Optional.empty()
                : conditions.stream().filter(x -> type.equals(x.getType())).findFirst();
        if (c.isEmpty()) {
            if (!(absentMeansFalse && "False".equals(want))) {
                wrong.add(type + " absent, want " + want);
            }
            return;
        }
        if (!want.equals(c.get().getStatus())) {
            wrong.add(type + "=" + c.get().getStatus() + ", want " + want);
        }
        boolean deadline = phase == RunPhase.Failed && "DeadlineExceeded".equals(c.get().getReason());
        if (!phase.name().equals(c.get().getReason()) && !deadline) {
            wrong.add(type + " reason " + c.get().getReason() + ", want " + phase.name());
        }
    }

    static Condition condition(Run run, String type) {
        return run.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type + " on Run " + run.getMetadata().getName()));
    }

    /** The Events on an object, oldest first: what {@code kubectl describe} shows. */
    static List<Event> events(KubernetesClient client, String namespace, String kind, String name) {
        return client.v1().events().inNamespace(namespace)
                .withField("involvedObject.kind", kind)
                .withField("involvedObject.name", name)
                .list().getItems().stream()
                .sorted(Comparator.comparing((Event e) -> e.getLastTimestamp() == null ? "" : e.getLastTimestamp()))
                .toList();
    }

    static Instant time(String t) {
        assertThat(t).as("timestamp").isNotNull();
        return Instant.parse(t);
    }

    /**
     * {@code kubectl patch run NAME --type=merge -p '{"spec":{"cancel":true}}'}: a merge patch, not an
     * edit with the resourceVersion read before, which loses to the operator's status writes (409).
     */
    static void cancel(KubernetesClient client, String namespace, String name) {
        client.resources(Run.class).inNamespace(namespace).withName(name).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"cancel\":true}}");
    }
}
