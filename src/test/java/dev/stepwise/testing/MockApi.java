package dev.stepwise.testing;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.lang.reflect.Proxy;

/**
 * The Fabric8 mock server in expectations mode: for answers a real API server gives only on a bad
 * day (403 from a quota or webhook, 409 from another owner, 422, 429, 500, no answer at all).
 */
public final class MockApi implements AutoCloseable {
    /** The client gives up waiting after this long, so a delayed answer is a timeout. */
    public static final int REQUEST_TIMEOUT_MS = 1000;
    public final KubernetesMockServer server = new KubernetesMockServer(false);
    public final KubernetesClient client;

    public MockApi() {
        server.init();
        KubernetesClient plain = server.createClient();
        // no client-side retries: the test sees each answer the server gives
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(plain.getConfiguration())
                .withRequestTimeout(REQUEST_TIMEOUT_MS).withRequestRetryBackoffLimit(0).build()).build();
        plain.close();
    }

    /** A Kubernetes Status as the API server sends it with an error code. */
    public static Status status(int code, String reason, String message) {
        return new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build();
    }

    /** A JOSDK Context that offers only the client: enough for code that reads or writes through it. */
    @SuppressWarnings("unchecked")
    public <P extends io.fabric8.kubernetes.api.model.HasMetadata> Context<P> context() {
        return (Context<P>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Context.class}, (proxy, method, args) -> {
            if (method.getName().equals("getClient")) {
                return client;
            }
            if (method.getName().equals("getControllerConfiguration")) {
                // what a status write asks of it: the field manager, named like the Run controller
                return Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[]{io.javaoperatorsdk.operator.api.config.ControllerConfiguration.class}, (p, m, a) -> {
                            if (m.getName().equals("fieldManager") || m.getName().equals("getName")) {
                                return "run";
                            }
                            throw new UnsupportedOperationException("ControllerConfiguration." + m.getName());
                        });
            }
            throw new UnsupportedOperationException("Context." + method.getName() + " is not offered by MockApi");
        });
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
