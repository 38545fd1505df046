package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator comes up however soon after the CRDs it is started: before they exist, or a moment
 * after they were applied (the first `dev/demo` on a fresh machine once died here with "Couldn't
 * start informer"), and it goes on once they are there.
 */
class StartupE2E {
    private static final io.fabric8.kubernetes.client.KubernetesClient client = E2eCluster.client();
    private OperatorProcess operator;
    private String ns;

    @AfterEach
    void stop() {
        E2eCluster.deleteNamespace(client, ns);
        if (operator != null) {
            OperatorE2E.awaitNamespacesGone(client);
            operator.close();
        }
    }

    @AfterAll
    static void restoreCrds() {
        E2eCluster.installCrds(client);
        client.close();
    }

    @Test
    void anOperatorStartedBeforeItsCrdsExistGoesOnOnceTheyAreApplied() {
        removeCrds();
        operator = OperatorProcess.startWithoutWaiting("startup-early");
        // the CRDs arrive while it starts; it must neither exit nor stay blind
        E2eCluster.applyCrdsWithoutWaiting(client);
        operator.awaitReady(Duration.ofMinutes(3));
        runHelloWorld();
        assertThat(operator.isAlive()).isTrue();
    }

    @Test
    void anOperatorStartedTheMomentTheCrdsAreAppliedRunsAWorkflow() {
        removeCrds();
        E2eCluster.applyCrdsWithoutWaiting(client);
        operator = OperatorProcess.start("startup-right-after");
        runHelloWorld();
        assertThat(operator.isAlive()).isTrue();
    }

    private void runHelloWorld() {
        E2eCluster.installCrds(client);
        E2eCluster.apply(client, E2eCluster.sample("instancetypes.yaml"), null);
        ns = E2eCluster.createNamespace(client, "e2e-startup");
        E2eCluster.apply(client, E2eCluster.sample("hello-world.yaml"), ns);
        Run run = new RunWatch(client, ns, "hello-world-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
    }

    /** Deletes the CRDs and with them every Stepwise object: nothing holds them (no finalizer waits for the operator). */
    private static void removeCrds() {
        for (String name : new String[]{"workflows.stepwise.dev", "workflowrevisions.stepwise.dev", "runs.stepwise.dev", "instancetypes.stepwise.dev"}) {
            client.apiextensions().v1().customResourceDefinitions().withName(name).delete();
        }
        await("CRDs gone").atMost(Duration.ofSeconds(60)).until(() ->
                client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                        .noneMatch(c -> c.getMetadata().getName().endsWith(".stepwise.dev")));
    }
}
