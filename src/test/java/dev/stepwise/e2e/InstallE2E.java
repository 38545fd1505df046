package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator as README "Install" installs it: its image in the node's containerd,
 * {@code kubectl apply -k operator/}, the Deployment rolled out in stepwise-system. Then every
 * sample runs to its documented phase in a namespace that enforces Pod Security "restricted",
 * a Run is cancelled, /q/metrics shows the Stepwise metrics, the operator's log has no "forbidden",
 * and the API server's audit log shows it used exactly what operator/rbac grants.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallE2E {
    static final String SA_USER = "system:serviceaccount:" + InClusterOperator.NAMESPACE + ":" + InClusterOperator.NAME;
    /** samples/README.md: the documented final phase of each sample's Run. */
    static final Map<String, RunPhase> SAMPLES = new LinkedHashMap<>();

    static {
        SAMPLES.put("hello-world.yaml", RunPhase.Succeeded);
        SAMPLES.put("diamond.yaml", RunPhase.Succeeded);
        SAMPLES.put("retry.yaml", RunPhase.Succeeded);
        SAMPLES.put("failing.yaml", RunPhase.Failed);
        SAMPLES.put("instance-type.yaml", RunPhase.Succeeded);
        // not git-checkout.yaml: operator/ names the public git image (not pullable here) and the sample's
        // Service takes a fixed ClusterIP; SamplesE2E and GitCheckoutE2E run it with the preloaded image
    }

    static KubernetesClient client;
    static long auditOffset;
    static String ns;

    @BeforeAll
    static void install() {
        client = E2eCluster.client();
        InClusterOperator.ensureImageLoaded();
        // from nothing: an earlier install (and its log) would blur what this one does
        InClusterOperator.kubectl("delete", "-k", "operator/", "--ignore-not-found", "--wait=true", "--timeout=180s");
        auditOffset = OperatorRequests.mark();
        // README "Install", as written
        InClusterOperator.kubectl("apply", "-k", "operator/");
        InClusterOperator.kubectl("-n", InClusterOperator.NAMESPACE, "rollout", "status",
                "deployment/" + InClusterOperator.NAME, "--timeout=180s");
        InClusterOperator.awaitRolledOut(client, InClusterOperator.NAMESPACE, InClusterOperator.NAME, 1);
        ns = "e2e-install-" + E2eCluster.randomSuffix();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels(E2eCluster.E2E_LABEL, "true")
                // step pods that break "restricted" would be refused here: the Runs could not succeed
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
    }

    @AfterAll
    static void uninstall() {
        if (client == null) {
            return;
        }
        try {
            // what the last test left, if it did not get so far
            InClusterOperator.deleteNamespaceAndWait(client, ns);
            InClusterOperator.kubectl("delete", "-k", "operator/", "--ignore-not-found", "--wait=true", "--timeout=180s");
        } finally {
            client.close();
        }
    }

    /** kubectl explain FIELD, its lines joined (kubectl wraps long descriptions). */
    static String explain(String field) {
        return InClusterOperator.kubectl("explain", field).replaceAll("\\s+", " ");
    }

    @Test
    @Order(0)
    void kubectlExplainTeachesEmbeddedKubernetesTypes() {
        // the API server publishes a CRD's schema to OpenAPI shortly after it is established
        await("kubectl explain workflow.spec.steps.env.valueFrom").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(explain("workflow.spec.steps.env.valueFrom"))
                        .contains("Source for the environment variable's value"));
        assertThat(explain("runs.stepwise.dev.status"))
                .contains("The Run's progress as the operator observed it");
        assertThat(explain("instancetype.spec.tolerations.effect"))
                .contains("Effect indicates the taint effect to match");
        assertThat(explain("instancetype.spec.runAsNonRoot"))
                .contains("the way a step that needs root asks for it");
    }

    @Test
    @Order(1)
    void everySampleRunsToItsDocumentedPhaseWithStepPodsThatPassRestricted() {
        E2eCluster.apply(client, E2eCluster.sample("instancetypes.yaml"), null);
        for (String sample : SAMPLES.keySet()) {
            E2eCluster.apply(client, E2eCluster.sample(sample), ns);
        }
        SAMPLES.forEach((sample, phase) -> {
            String runName = sample.replace(".yaml", "-1");
            Run run = new RunWatch(client, ns, runName).awaitFinished(null);
            assertThat(run.getStatus().phase).as("%s: %s", runName, run.getStatus().message).isEqualTo(phase);
        });
        List<Job> jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems();
        assertThat(jobs).isNotEmpty().allSatisfy(j -> {
            var pod = j.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            // no step names a ServiceAccount: no token in the pod
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        });
    }

    @Test
    @Order(2)
    void sensitiveOutputsReachTheNextStepThroughTheRunsSecret() {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: secretive}
                spec:
                  steps:
                  - {name: mint, image: "busybox:1.36", sensitive: true, outputs: [token],
                     command: [sh, -c, 'echo "token=s3cr3t" > $STEPWISE_OUTPUTS']}
                  - {name: mint2, image: "busybox:1.36", sensitive: true, outputs: [key], dependsOn: [mint],
                     command: [sh, -c, 'echo "key=k3y" > $STEPWISE_OUTPUTS']}
                  - {name: use, image: "busybox:1.36", dependsOn: [mint2],
                     env: [{name: GOT, value: "{{steps.mint.outputs.token}}/{{steps.mint2.outputs.key}}"}],
                     command: [sh, -c, 'test "$(printf %s "$GOT" | md5sum | cut -c1-32)" = 8cb1f0752d291486434eb9255b79718c && echo got it']}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: secretive-1}
                spec: {workflowRef: {name: secretive}}
                """, ns);
        Run run = new RunWatch(client, ns, "secretive-1").awaitFinished(null);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().steps.get(0).outputs).containsEntry("token", "[REDACTED]");
        // "use" compares an md5, so its Job has no plain value of its own making; the value reaches it through a secretKeyRef to the Run's Secret, never as text in its Job; the
        // sensitive steps' Jobs (their pods' termination messages hold the outputs) are deleted once stored
        await("the sensitive steps' Jobs deleted").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "secretive-1").list()
                        .getItems()).extracting(j -> j.getMetadata().getLabels().get("stepwise.dev/step")).containsExactly("use"));
        assertThat(client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "secretive-1").list().getItems())
                .allSatisfy(j -> assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(j))
                        .doesNotContain("s3cr3t", "k3y").contains("secretKeyRef"));
    }

    @Test
    @Order(3)
    void aCancelledRunStopsItsRunningJob() {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: long}
                spec:
                  steps:
                  - {name: wait, image: "busybox:1.36", command: [sleep, "600"]}
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: long-1}
                spec: {workflowRef: {name: long}}
                """, ns);
        await("long-1 Running").atMost(Duration.ofSeconds(90)).until(() -> {
            Run r = client.resources(Run.class).inNamespace(ns).withName("long-1").get();
            return r != null && r.getStatus() != null && r.getStatus().phase == RunPhase.Running
                    && !client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "long-1").list().getItems().isEmpty();
        });
        RunWatch.cancel(client, ns, "long-1");
        Run run = new RunWatch(client, ns, "long-1").awaitFinished(null);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Cancelled);
        // the Workflow deleted: its revision goes once no unfinished Run uses it
        client.resources(dev.stepwise.api.v1alpha1.WorkflowResource.class).inNamespace(ns).withName("long").delete();
        await("revision long-r1 released and deleted").atMost(Duration.ofSeconds(60)).until(() ->
                client.resources(dev.stepwise.api.v1alpha1.WorkflowRevision.class).inNamespace(ns).withName("long-r1").get() == null);
        await("long-1's Job deleted").atMost(Duration.ofSeconds(60)).until(() ->
                client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "long-1").list().getItems().stream()
                        .allMatch(j -> j.getMetadata().getDeletionTimestamp() != null));
    }

    @Test
    @Order(4)
    void metricsShowTheRunsStepsAndReconciliations() {
        Pod pod = InClusterOperator.leader(client, InClusterOperator.NAMESPACE, InClusterOperator.NAME);
        String q = "namespace=\"" + ns + "\"";
        await("Stepwise metrics of namespace " + ns).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String m = InClusterOperator.metrics(pod);
            assertThat(m).containsPattern("stepwise_runs_started_total\\{[^}]*" + q + "[^}]*workflow=\"diamond\"[^}]*} 1\\.0")
                    .containsPattern("stepwise_runs_finished_total\\{[^}]*" + q + "[^}]*phase=\"Succeeded\"[^}]*workflow=\"hello-world\"[^}]*} 1\\.0")
                    .containsPattern("stepwise_runs_finished_total\\{[^}]*" + q + "[^}]*phase=\"Failed\"[^}]*workflow=\"failing\"[^}]*} 1\\.0")
                    .containsPattern("stepwise_runs_finished_total\\{[^}]*" + q + "[^}]*phase=\"Cancelled\"[^}]*} 1\\.0")
                    .containsPattern("stepwise_run_duration_seconds_bucket\\{[^}]*" + q + "[^}]*}")
                    // retry.yaml: two attempts exit 2 (Error), the third completes
                    .containsPattern("stepwise_step_attempts_total\\{[^}]*" + q + "[^}]*reason=\"Error\",result=\"Failed\",workflow=\"retry\"[^}]*} 2\\.0")
                    .containsPattern("stepwise_runs_running\\{[^}]*" + q + "[^}]*} 0\\.0")
                    .containsPattern("stepwise_job_create_seconds_count\\{[^}]*outcome=\"created\"[^}]*} [1-9]")
                    .containsPattern("operator_sdk_reconciliations_started_total\\{[^}]*kind=\"Run\"");
            // bounded labels: no Run, Job or pod name in any Stepwise or JOSDK series
            for (String line : m.split("\n")) {
                if (line.startsWith("stepwise_") || line.startsWith("operator_sdk_")) {
                    assertThat(line).doesNotContain("hello-world-1", "diamond-1", "long-1", "resource_name");
                }
            }
        });
    }

    @Test
    @Order(5)
    void theOperatorsLogHasNoForbidden() {
        String logs = InClusterOperator.logs(client, InClusterOperator.NAMESPACE);
        assertThat(logs).contains("stepwise.activity").doesNotContainIgnoringCase("forbidden");
        assertThat(Pattern.compile("(?i)forbidden").matcher(logs).find()).isFalse();
    }

    @Test
    @Order(6)
    void theRbacGrantsExactlyWhatTheOperatorUses() {
        // a rollout: the old pod releases its Lease on SIGTERM, the new one creates it (leader election's verbs)
        InClusterOperator.kubectl("-n", InClusterOperator.NAMESPACE, "rollout", "restart", "deployment/" + InClusterOperator.NAME);
        InClusterOperator.kubectl("-n", InClusterOperator.NAMESPACE, "rollout", "status",
                "deployment/" + InClusterOperator.NAME, "--timeout=180s");
        InClusterOperator.leader(client, InClusterOperator.NAMESPACE, InClusterOperator.NAME);
        // the audit log is written as responses complete
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        OperatorRequests requests = OperatorRequests.since(auditOffset, SA_USER);
        Set<String> granted = OperatorRequests.granted();
        Set<String> rarelyUsed = OperatorRequests.rarelyUsed();
        assertThat(requests.denied).as("requests the API server refused").isEmpty();
        assertThat(requests.used).as("requests beyond what operator/rbac grants").isSubsetOf(granted);
        assertThat(rarelyUsed).as("the annotation %s names grants of the ClusterRole", OperatorRequests.RARELY_USED)
                .isSubsetOf(granted);
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(requests.used);
        assertThat(unused).as("granted but never used by the operator (a grant used only on a rare path belongs in "
                + "the annotation %s of operator/rbac/clusterrole.yaml)", OperatorRequests.RARELY_USED)
                .isSubsetOf(rarelyUsed);
    }

    /**
     * README "Removing Stepwise", the hard way: the operator is stopped before anything else, and
     * deleting operator/ (CRDs and all) and the namespace must still finish: no object of ours waits
     * for an operator that is gone. Its revisions are kept by owner references, not finalizers.
     */
    @Test
    @Order(7)
    void uninstallingWithTheOperatorStoppedFirstFinishes() {
        assertThat(client.resources(dev.stepwise.api.v1alpha1.WorkflowRevision.class).inNamespace(ns).list().getItems())
                .as("revisions of finished Runs are left").isNotEmpty()
                .allSatisfy(r -> assertThat(r.getMetadata().getFinalizers()).isEmpty());
        InClusterOperator.kubectl("-n", InClusterOperator.NAMESPACE, "scale", "deployment/" + InClusterOperator.NAME, "--replicas=0");
        InClusterOperator.awaitGone(client, InClusterOperator.NAMESPACE);
        InClusterOperator.kubectl("delete", "-k", "operator/", "--wait=true", "--timeout=120s");
        InClusterOperator.deleteNamespaceAndWait(client, ns);
        assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
                .noneMatch(c -> c.getMetadata().getName().endsWith(".stepwise.dev"));
    }
}
