package dev.stepwise.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * Base of the E2E classes that need the operator: CRDs and sample InstanceTypes installed, the
 * packaged operator running as a process for the whole class (its log named after the class),
 * and each test's namespace deleted after it.
 */
abstract class OperatorE2E {
    protected static KubernetesClient client;
    protected static OperatorProcess operator;
    protected String ns;

    @BeforeAll
    static void startOperator(TestInfo info) {
        client = E2eCluster.client();
        E2eCluster.installCrds(client);
        E2eCluster.apply(client, E2eCluster.sample("instancetypes.yaml"), null);
        String logName = info.getTestClass().orElseThrow().getSimpleName().replace("E2E", "").toLowerCase();
        operator = OperatorProcess.start(logName);
    }

    @AfterAll
    static void stopOperator() {
        try {
            // test namespaces deleted so far go before the next class starts
            awaitNamespacesGone(client);
            if (operator != null) {
                operator.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    /** Waits (a minute at most) until the test namespaces deleted so far are gone. */
    static void awaitNamespacesGone(KubernetesClient client) {
        try {
            org.awaitility.Awaitility.await("test namespaces deleted").atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofSeconds(1))
                    .until(() -> client.namespaces().withLabel(E2eCluster.E2E_LABEL, "true").list().getItems().stream()
                            .allMatch(n -> n.getMetadata().getDeletionTimestamp() == null));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.err.println("test namespaces still terminating after a minute: " + e.getMessage());
        }
    }

    @AfterEach
    void deleteNamespace() {
        E2eCluster.deleteNamespace(client, ns);
    }
}
