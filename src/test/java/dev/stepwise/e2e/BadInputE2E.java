package dev.stepwise.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bad-input half of the chaos harness (issue 18): {@code chaos.count} seeded invalid and hostile
 * manifests ({@link BadInput}) applied as a user would, with valid Runs applied alongside. Each must be
 * refused at apply with a message, or end Ready=False / Failed with a message, or be fine; none may go
 * unanswered, no valid Run may stall, and the operator must not crash. Prints a table of outcomes by
 * category and writes it as JSON ({@code chaos.results}, default target/chaos-results). CI runs a short
 * seeded version; {@code chaos/bad-input} runs 1,000.
 */
class BadInputE2E extends OperatorE2E {
    static final int COUNT = Integer.getInteger("chaos.count", 100);
    static final long SEED = Long.getLong("chaos.seed", 18L);
    static final Duration SETTLE = Duration.ofSeconds(Long.getLong("chaos.settle", 180));
    private static final String API = "stepwise.dev/v1alpha1";

    private GenericKubernetesResource parse(String yaml) {
        return client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    }

    private void create(GenericKubernetesResource r) {
        client.genericKubernetesResources(API, r.getKind()).inNamespace(ns).resource(r).create();
    }

    /** The answer an applied object has got so far, or null while it has none. */
    static String answer(GenericKubernetesResource r) {
        Object st = r.getAdditionalProperties().get("status");
        if (!(st instanceof Map<?, ?> status)) {
            return null;
        }
        if ("Run".equals(r.getKind())) {
            Object phase = status.get("phase");
            String message = String.valueOf(status.get("message"));
            if ("Succeeded".equals(phase)) {
                return BadInput.SUCCEEDED;
            }
            Object spec = r.getAdditionalProperties().get("spec");
            if ("Suspended".equals(phase) && spec instanceof Map<?, ?> sp && Boolean.TRUE.equals(sp.get("suspend"))) {
                return "Suspended, as its spec asks";
            }
            if ("Failed".equals(phase) || "Cancelled".equals(phase)) {
                return message == null || message.isBlank() || "null".equals(message) ? "Failed WITHOUT a message" : BadInput.FAILED;
            }
            return null;
        }
        Object observed = status.get("observedGeneration");
        if (observed == null || ((Number) observed).longValue() != r.getMetadata().getGeneration()) {
            return null;
        }
        Map<String, Object> cond = ready(status);
        if (cond == null) {
            return null;
        }
        if ("True".equals(cond.get("status"))) {
            return "accepted: Ready";
        }
        Object msg = cond.get("message");
        if ("Invalid".equals(cond.get("reason"))) {
            return msg == null || String.valueOf(msg).isBlank() ? "Ready=False WITHOUT a message" : BadInput.NOT_READY;
        }
        return null; // still publishing
    }

    /** A Workflow status's Ready condition, or null. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ready(Map<?, ?> status) {
        for (Object c : status.get("conditions") instanceof List<?> l ? l : List.of()) {
            if (c instanceof Map<?, ?> cond && "Ready".equals(cond.get("type"))) {
                return (Map<String, Object>) cond;
            }
        }
        return null;
    }

    @Test
    void everyBadManifestIsAnsweredValidRunsAlongsideFinishAndTheOperatorStaysUp() throws IOException {
        ns = E2eCluster.createNamespace(client, "chaos-bad");
        E2eCluster.applyYaml(client, BadInput.fixtures(), null);
        E2eCluster.applyYaml(client, BadInput.baseWorkflow(), ns);
        E2eCluster.applyYaml(client, BadInput.guardedFixtures(), ns);
        long rssBefore = operator.rssKib();
        Instant start = Instant.now();

        List<BadInput.Manifest> manifests = new BadInput(SEED).generate(COUNT);
        Map<String, BadInput.Manifest> accepted = new LinkedHashMap<>();
        Map<String, String> outcome = new LinkedHashMap<>();
        List<String> sentinels = new ArrayList<>();
        List<String> rejectedWithoutMessage = new ArrayList<>();
        Map<String, String> refusals = new LinkedHashMap<>();
        int editsRefused = 0;
        for (int i = 0; i < manifests.size(); i++) {
            BadInput.Manifest m = manifests.get(i);
            if (i % 25 == 0) {
                String s = "sentinel-" + i;
                create(parse("apiVersion: " + API + "\nkind: Run\nmetadata: {name: " + s + "}\nspec: {workflowRef: {name: "
                        + BadInput.BASE_WORKFLOW + "}, params: {who: sentinel}}\n"));
                sentinels.add(s);
            }
            try {
                create(parse(m.yaml()));
                accepted.put(m.kind() + "/" + m.name(), m);
                editsRefused += editAllAtOnce(m);
            } catch (KubernetesClientException e) {
                String why = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
                boolean named = why != null && !why.isBlank() && e.getCode() >= 400 && e.getCode() < 500;
                outcome.put(m.kind() + "/" + m.name(), named ? BadInput.REFUSED : "refused WITHOUT a clear message");
                refusals.put(m.kind() + "/" + m.name(), String.valueOf(why));
                if (!named) {
                    rejectedWithoutMessage.add(m.name() + ": " + e.getCode() + " " + why);
                }
            }
        }
        Duration applying = Duration.between(start, Instant.now());

        // wait until every accepted object has an answer, or the settle time is over (then the table says which had none)
        Map<String, String> answers = new LinkedHashMap<>();
        try {
            await("every accepted object answered").atMost(SETTLE).pollInterval(Duration.ofSeconds(2)).pollInSameThread().until(() -> {
                answers.clear();
                answers.putAll(answers());
                return accepted.keySet().stream().allMatch(answers::containsKey)
                        && sentinels.stream().allMatch(s -> answers.containsKey("Run/" + s));
            });
        } catch (ConditionTimeoutException e) {
            // reported below as NO ANSWER
        }
        accepted.keySet().forEach(k -> outcome.put(k, answers.getOrDefault(k, "NO ANSWER (stuck)")));
        List<String> unmet = new ArrayList<>();
        for (BadInput.Manifest m : manifests) {
            if (m.expect() != null) {
                String key = m.kind() + "/" + m.name();
                unmet(m, outcome.get(key), refusals.get(key)).ifPresent(why -> unmet.add(key + " (" + m.category() + "): " + why));
            }
        }
        Duration settled = Duration.between(start, Instant.now());
        long rssAfter = operator.rssKib();

        // one table: category x outcome
        Map<String, Map<String, Integer>> table = new TreeMap<>();
        for (BadInput.Manifest m : manifests) {
            table.computeIfAbsent(m.category(), c -> new TreeMap<>())
                    .merge(outcome.get(m.kind() + "/" + m.name()), 1, Integer::sum);
        }
        Map<String, Integer> totals = new TreeMap<>();
        table.values().forEach(row -> row.forEach((k, v) -> totals.merge(k, v, Integer::sum)));
        StringBuilder out = new StringBuilder("\nbad input: " + manifests.size() + " manifests, seed " + SEED + ", applied in "
                + applying.toSeconds() + " s, all answered after " + settled.toSeconds() + " s; operator RSS " + rssBefore / 1024
                + " -> " + rssAfter / 1024 + " MiB\n");
        table.forEach((category, row) -> out.append(String.format("  %-34s %s%n", category, row)));
        out.append(String.format("  %-34s %d (the object then answers for the edit that landed last)%n",
                "conflicting edits refused at apply", editsRefused));
        out.append(String.format("  %-34s %s%n", "ALL", totals));
        List<String> sentinelAnswers = sentinels.stream().map(s -> s + "=" + answers.get("Run/" + s)).toList();
        out.append("  valid Runs alongside: ").append(sentinelAnswers).append('\n');
        unmet.forEach(u -> out.append("  NOT AS THE SPEC SAYS: ").append(u).append('\n'));
        System.out.println(out);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", SEED);
        json.put("manifests", manifests.size());
        json.put("applySeconds", applying.toSeconds());
        json.put("answeredAfterSeconds", settled.toSeconds());
        json.put("operatorRssMiB", Map.of("before", rssBefore / 1024, "after", rssAfter / 1024));
        json.put("byCategory", table);
        json.put("conflictingEditsRefusedAtApply", editsRefused);
        json.put("totals", totals);
        json.put("validRunsAlongside", sentinelAnswers);
        json.put("notAsTheSpecSays", unmet);
        Path dir = Path.of(System.getProperty("chaos.results", E2eCluster.projectDir().resolve("target/chaos-results").toString()));
        Files.createDirectories(dir);
        Path file = dir.resolve(LocalDate.now() + "-bad-input-" + manifests.size() + "-seed" + SEED + ".json");
        Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        System.out.println("wrote " + file);

        assertThat(operator.isAlive()).as("the operator is still running").isTrue();
        assertThat(rejectedWithoutMessage).as("refused without a clear message").isEmpty();
        assertThat(outcome).as("objects that got no answer, or an answer without a message")
                .allSatisfy((k, v) -> assertThat(v).doesNotContain("NO ANSWER").doesNotContain("WITHOUT"));
        assertThat(sentinelAnswers).as("valid Runs applied alongside").allMatch(a -> a.endsWith("=" + BadInput.SUCCEEDED));
        assertThat(unmet).as("hostile manifests answered other than the SPEC says").isEmpty();
        assertThat(operator.logTail(200_000)).doesNotContain("OutOfMemoryError").doesNotContain("Exception in thread \"main\"");
    }

    /** Sends a manifest's edits (JSON merge patches) all at the same moment; returns how many the API server refused. */
    private int editAllAtOnce(BadInput.Manifest m) {
        if (m.edits().isEmpty()) {
            return 0;
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(m.edits().size());
        try {
            List<Future<Boolean>> sent = new ArrayList<>();
            for (String patch : m.edits()) {
                sent.add(pool.submit(() -> {
                    go.await();
                    try {
                        client.genericKubernetesResources(API, m.kind()).inNamespace(ns).withName(m.name())
                                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                        return true;
                    } catch (KubernetesClientException e) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int refused = 0;
            for (Future<Boolean> f : sent) {
                refused += f.get() ? 0 : 1;
            }
            return refused;
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** How a hostile manifest's fate differs from what its {@link BadInput.Expect} says, or empty if it does not. */
    private Optional<String> unmet(BadInput.Manifest m, String got, String refusal) {
        BadInput.Expect e = m.expect();
        if (!e.outcomes().contains(got)) {
            return Optional.of(got + ", expected " + String.join(" or ", new TreeSet<>(e.outcomes()))
                    + (refusal == null ? "" : ": " + refusal));
        }
        GenericKubernetesResource r = refusal != null ? null
                : client.genericKubernetesResources(API, m.kind()).inNamespace(ns).withName(m.name()).get();
        String message = refusal != null ? refusal : message(r);
        if (e.mentions() != null && (message == null || !message.contains(e.mentions()))) {
            return Optional.of(got + " without naming " + e.mentions() + ": " + message);
        }
        if (e.noJobs()) {
            List<String> jobs = client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", m.name()).list().getItems()
                    .stream().map(j -> j.getMetadata().getName()).toList();
            if (!jobs.isEmpty()) {
                return Optional.of(got + ", but after Jobs " + jobs);
            }
        }
        if (e.notificationRefused()) {
            String[] result = new String[1];
            try {
                // the notification is recorded after the Run's end
                await("notification of " + m.name() + " recorded").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .pollInSameThread().until(() -> {
                            result[0] = notificationResult(client.genericKubernetesResources(API, m.kind()).inNamespace(ns)
                                    .withName(m.name()).get());
                            return result[0] != null;
                        });
            } catch (ConditionTimeoutException timeout) {
                return Optional.of(got + ", but no notification result recorded in status.notifications");
            }
            if (!result[0].startsWith("refused: ")) {
                return Optional.of("notification result " + result[0] + ", expected refused: ...");
            }
        }
        return Optional.empty();
    }

    /** A Run's status message, or a Workflow's Ready condition message. */
    private static String message(GenericKubernetesResource r) {
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return null;
        }
        Map<?, ?> holder = "Run".equals(r.getKind()) ? status : ready(status);
        return holder == null || holder.get("message") == null ? null : String.valueOf(holder.get("message"));
    }

    /** The last result of a Run's first notification with one, or null. */
    private static String notificationResult(GenericKubernetesResource r) {
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return null;
        }
        for (Object n : status.get("notifications") instanceof List<?> l ? l : List.of()) {
            if (n instanceof Map<?, ?> note && note.get("lastResult") != null) {
                return String.valueOf(note.get("lastResult"));
            }
        }
        return null;
    }

    /** The answer of every Workflow and Run in the namespace that has one, by kind/name. */
    private Map<String, String> answers() {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String kind : List.of("Workflow", "Run")) {
            for (GenericKubernetesResource r : client.genericKubernetesResources(API, kind).inNamespace(ns).list().getItems()) {
                String a = answer(r);
                if (a != null) {
                    answers.put(kind + "/" + r.getMetadata().getName(), a);
                }
            }
        }
        return answers;
    }
}
