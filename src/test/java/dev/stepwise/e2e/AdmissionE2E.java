package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepPhase;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a cluster's admission refuses is shown on the step, and never stalls a Run unseen: a quota
 * that forbids Jobs (the Run goes on once it is lifted), and a Pod Security level that refuses the
 * step's pod (the Job exists, its pod never does; the pending timeout ends the attempt).
 */
class AdmissionE2E extends OperatorE2E {

    @Test
    void aQuotaThatForbidsJobsShowsOnTheStepAndTheRunGoesOnOnceItIsLifted() {
        ns = E2eCluster.createNamespace(client, "e2e-quota");
        client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("no-jobs").endMetadata()
                .withNewSpec().withHard(Map.of("count/jobs.batch", new Quantity("0"))).endSpec().build()).create();
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: quota}
                spec:
                  defaults: {image: busybox:1.36}
                  steps: [{name: a, command: [echo, done]}]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: quota-1}
                spec: {workflowRef: {name: quota}}
                """, ns);
        RunWatch watch = new RunWatch(client, ns, "quota-1");
        await("the refusal shows on the step").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Run r = watch.get();
            return r != null && r.getStatus() != null && !r.getStatus().steps.isEmpty()
                    && r.getStatus().steps.get(0).message != null && r.getStatus().steps.get(0).message.contains("exceeded quota");
        });
        Run waiting = watch.get();
        assertThat(waiting.getStatus().phase).isEqualTo(RunPhase.Running);
        assertThat(waiting.getStatus().steps.get(0).phase).isEqualTo(StepPhase.Waiting);
        assertThat(waiting.getStatus().steps.get(0).message).contains("no-jobs");
        assertThat(waiting.getStatus().steps.get(0).attempts.get(0).reason).isEqualTo("Forbidden");
        assertThat(waiting.getStatus().steps.get(0).nextRetryAt).isNotNull();

        client.resourceQuotas().inNamespace(ns).withName("no-jobs").delete();
        Run run = watch.awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().steps.get(0).attempts).singleElement().satisfies(a -> {
            assertThat(a.exitCode).isZero();
            assertThat(a.logs).contains("done");
        });
    }

    @Test
    void aPodSecurityLevelThatRefusesTheStepPodShowsWhyAndEndsAtThePendingTimeout() {
        ns = E2eCluster.createNamespace(client, "e2e-psa");
        client.namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
            return n;
        });
        // step pods pass "restricted" by default (StepSecurity): one on an InstanceType that lets it run
        // as root is "baseline", which this namespace refuses
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: InstanceType
                metadata: {name: e2e-root}
                spec: {description: runs as the image's user, runAsNonRoot: false}
                """, null);
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: psa}
                spec:
                  defaults: {image: busybox:1.36}
                  steps: [{name: a, command: [echo, never], pendingTimeout: 20s, instanceType: e2e-root}]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: psa-1}
                spec: {workflowRef: {name: psa}}
                """, ns);
        RunWatch watch = new RunWatch(client, ns, "psa-1");
        await("why the pod is not created shows on the attempt").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Run r = watch.get();
                    return r != null && r.getStatus() != null && !r.getStatus().steps.isEmpty()
                            && !r.getStatus().steps.get(0).attempts.isEmpty()
                            && "FailedCreate".equals(r.getStatus().steps.get(0).attempts.get(0).reason);
                });
        assertThat(watch.get().getStatus().steps.get(0).attempts.get(0).message).contains("violates PodSecurity \"restricted");

        Run run = watch.awaitFinished(operator);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Failed);
        var attempt = run.getStatus().steps.get(0).attempts.get(0);
        assertThat(attempt.reason).isEqualTo("FailedCreate");
        assertThat(attempt.message).startsWith("pod not running after 20s: ").contains("violates PodSecurity");
        assertThat(run.getStatus().message).startsWith("step a failed: FailedCreate (pod not running after 20s");
        await("the attempt's Job is deleted").atMost(Duration.ofSeconds(20))
                .until(() -> client.batch().v1().jobs().inNamespace(ns).list().getItems().isEmpty());
    }
}
