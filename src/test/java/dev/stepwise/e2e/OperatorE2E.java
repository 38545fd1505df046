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
            if (operator != null) {
                operator.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    @AfterEach
    void deleteNamespace() {
        E2eCluster.deleteNamespace(client, ns);
    }
}
