package dev.stepwise.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.testing.Tools;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What Flux sees: Runs and Workflows of the live cluster judged by Flux's own status library
 * (sigs.k8s.io/cli-utils kstatus, built by dev/tools from the Go module proxy). Runs are InProgress
 * while Pending or Running, Current when Succeeded, Failed when Failed or Cancelled; Workflows are
 * Current when valid, Failed when invalid. Every object judged is also recorded (managedFields
 * stripped) in target/recorded/, the fixtures of ArgoCdHealthTest; -Dstepwise.updateRecorded=true
 * copies them to src/test/resources/recorded/.
 */
class KstatusE2E extends OperatorE2E {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceDefinitionContext RUNS = new ResourceDefinitionContext.Builder()
            .withGroup("stepwise.dev").withVersion("v1alpha1").withPlural("runs").withKind("Run").withNamespaced(true).build();
    static final ResourceDefinitionContext WORKFLOWS = new ResourceDefinitionContext.Builder()
            .withGroup("stepwise.dev").withVersion("v1alpha1").withPlural("workflows").withKind("Workflow").withNamespaced(true).build();

    static String workflow(String name, String command) {
        return """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: %s}
                spec:
                  steps:
                  - {name: only, image: "busybox:1.36", command: [sh, -c, '%s']}
                """.formatted(name, command);
    }

    static String run(String name, String workflow) {
        return """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: %s}
                spec: {workflowRef: {name: %s}}
                """.formatted(name, workflow);
    }

    /** kstatus's verdict on the object as the API server returns it now; the object is recorded under {@code label}. */
    String kstatus(ResourceDefinitionContext type, String name, String label) {
        GenericKubernetesResource obj = client.genericKubernetesResources(type).inNamespace(ns).withName(name).get();
        assertThat(obj).as(name).isNotNull();
        obj.getMetadata().setManagedFields(null);
        String json;
        try {
            json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(obj);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        record(type.getKind().toLowerCase() + "-" + label + ".json", json);
        try {
            Process p = new ProcessBuilder(Tools.kstatus().toString()).redirectErrorStream(true).start();
            p.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            // "<Kind>/<name> <status> <message>"
            return out.split(" ", 3)[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void record(String file, String json) {
        try {
            Path dir = E2eCluster.projectDir().resolve("target/recorded");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), json + "\n");
            if (Boolean.getBoolean("stepwise.updateRecorded")) {
                Path committed = E2eCluster.projectDir().resolve("src/test/resources/recorded");
                Files.createDirectories(committed);
                Files.writeString(committed.resolve(file), json + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RunPhase phase(String run) {
        Run r = client.resources(Run.class).inNamespace(ns).withName(run).get();
        return r == null || r.getStatus() == null ? null : r.getStatus().phase;
    }

    @Test
    void runsAreInProgressWhileTheyRunCurrentWhenTheySucceedAndFailedWhenTheyFailOrAreCancelled() {
        ns = E2eCluster.createNamespace(client, "e2e-kstatus");
        // a Run applied before its Workflow waits Pending
        E2eCluster.applyYaml(client, run("ok-1", "ok"), ns);
        await("ok-1 Pending").atMost(Duration.ofSeconds(30)).until(() -> phase("ok-1") == RunPhase.Pending);
        assertThat(kstatus(RUNS, "ok-1", "Pending")).isEqualTo("InProgress");

        E2eCluster.applyYaml(client, workflow("ok", "sleep 4; echo done"), ns);
        await("ok-1 Running").atMost(Duration.ofSeconds(60)).until(() -> phase("ok-1") == RunPhase.Running);
        assertThat(kstatus(RUNS, "ok-1", "Running")).isEqualTo("InProgress");
        await("ok-1 Succeeded").atMost(Duration.ofSeconds(90)).until(() -> phase("ok-1") == RunPhase.Succeeded);
        assertThat(kstatus(RUNS, "ok-1", "Succeeded")).isEqualTo("Current");
        assertThat(kstatus(WORKFLOWS, "ok", "Ready")).isEqualTo("Current");

        E2eCluster.applyYaml(client, workflow("broken", "echo about to fail; exit 3") + "---\n" + run("broken-1", "broken"), ns);
        await("broken-1 Failed").atMost(Duration.ofSeconds(90)).until(() -> phase("broken-1") == RunPhase.Failed);
        assertThat(kstatus(RUNS, "broken-1", "Failed")).isEqualTo("Failed");

        E2eCluster.applyYaml(client, workflow("long", "sleep 600") + "---\n" + run("long-1", "long"), ns);
        await("long-1 Running").atMost(Duration.ofSeconds(60)).until(() -> phase("long-1") == RunPhase.Running);
        RunWatch.cancel(client, ns, "long-1");
        await("long-1 Cancelled").atMost(Duration.ofSeconds(60)).until(() -> phase("long-1") == RunPhase.Cancelled);
        assertThat(kstatus(RUNS, "long-1", "Cancelled")).isEqualTo("Failed");
    }

    @Test
    void anInvalidWorkflowIsFailed() {
        ns = E2eCluster.createNamespace(client, "e2e-kstatus");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: cyclic}
                spec:
                  steps:
                  - {name: a, image: "busybox:1.36", dependsOn: [b]}
                  - {name: b, image: "busybox:1.36", dependsOn: [a]}
                """, ns);
        await("cyclic observed").atMost(Duration.ofSeconds(30)).until(() -> {
            GenericKubernetesResource wf = client.genericKubernetesResources(WORKFLOWS).inNamespace(ns).withName("cyclic").get();
            return wf.get("status") != null && wf.get("status", "conditions") != null;
        });
        assertThat(kstatus(WORKFLOWS, "cyclic", "Invalid")).isEqualTo("Failed");
    }
}
