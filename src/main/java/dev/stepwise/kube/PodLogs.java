package dev.stepwise.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.URLUtils;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads the end of a step container's log when its attempt ends. */
public final class PodLogs {
    private static final Logger LOG = Logger.getLogger(PodLogs.class);
    /** Enough lines to fill the tail; the byte bound is applied by the core. */
    private static final int TAIL_LINES = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final KubernetesClient client;

    public PodLogs(KubernetesClient client) {
        this.client = client;
    }

    /** The log tail, or null when it cannot be read (pod gone, node without a kubelet). */
    public String tail(String namespace, String pod) {
        if (pod == null) {
            return null;
        }
        try {
            // bounded: a node that cannot serve logs (a simulated one, a lost one) must not hold up a hand-off
            // a plain GET of the log: PodResource.getLog() first waits for the pod to be ready, which
            // costs a LIST of pods and a short-lived informer per call
            String url = URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", pod, "log")
                    + "?container=" + StepJobBuilder.CONTAINER + "&tailLines=" + TAIL_LINES;
            return CompletableFuture.supplyAsync(() -> client.raw(url)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KubernetesClientException e) {
            LOG.debugf("no log for pod %s/%s: %s", namespace, pod, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
