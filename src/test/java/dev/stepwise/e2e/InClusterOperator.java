package dev.stepwise.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The operator installed INSIDE the local cluster from its image, as a platform engineer installs
 * it: {@code kubectl apply -k operator/} or {@code helm install}. Commands run as a user runs them
 * (kubectl, dev/helm, dev/image), with the test's KUBECONFIG.
 */
final class InClusterOperator {
    static final String NAMESPACE = "stepwise-system";
    static final String NAME = "stepwise-operator";
    static final String SELECTOR = "app.kubernetes.io/name=stepwise,app.kubernetes.io/component=operator";
    static final Duration ROLLOUT = Duration.ofSeconds(180);

    private InClusterOperator() {
    }

    /** Runs a command in the project directory; returns its output, fails with it on a non-zero exit. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(E2eCluster.projectDir().toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out:\n" + out);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String kubectl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("kubectl"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static String helm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(dev.stepwise.testing.Tools.helm().toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static boolean loaded;

    /**
     * The image the manifests name, built from this build's jar and loaded into the node's containerd
     * (dev/image load; once per test JVM, about 15 s with the JRE base layer cached).
     */
    static synchronized void ensureImageLoaded() {
        if (!loaded) {
            run(List.of("dev/image", "load"));
            loaded = true;
        }
    }

    static void awaitRolledOut(KubernetesClient client, String namespace, String deployment, int replicas) {
        await("deployment " + namespace + "/" + deployment + " rolled out with " + replicas + " ready replicas")
                .atMost(ROLLOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
                    return d != null && d.getStatus() != null
                            && d.getStatus().getObservedGeneration() != null
                            && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
                            && Integer.valueOf(replicas).equals(d.getStatus().getReadyReplicas())
                            && Integer.valueOf(replicas).equals(d.getStatus().getUpdatedReplicas())
                            && d.getStatus().getReplicas() != null && d.getStatus().getReplicas() == replicas;
                });
    }

    static List<Pod> pods(KubernetesClient client, String namespace) {
        return client.pods().inNamespace(namespace).withLabelSelector(SELECTOR).list().getItems();
    }

    /** The operator pod that holds the leader-election Lease. */
    static Pod leader(KubernetesClient client, String namespace, String lease) {
        // read the holder once, where it is checked: during a rollout the Lease is released and taken anew
        java.util.concurrent.atomic.AtomicReference<Pod> holder = new java.util.concurrent.atomic.AtomicReference<>();
        await("a leader holds Lease " + namespace + "/" + lease).atMost(Duration.ofSeconds(60)).until(() -> {
            Lease l = client.leases().inNamespace(namespace).withName(lease).get();
            String identity = l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
            Pod pod = identity == null ? null : pods(client, namespace).stream()
                    .filter(p -> p.getMetadata().getName().equals(identity)).findFirst().orElse(null);
            holder.set(pod);
            return pod != null;
        });
        return holder.get();
    }

    /** Everything the operator's pods logged (the current containers, and the previous ones after a restart). */
    static String logs(KubernetesClient client, String namespace) {
        StringBuilder sb = new StringBuilder();
        for (Pod p : pods(client, namespace)) {
            sb.append("=== ").append(p.getMetadata().getName()).append('\n');
            sb.append(client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).getLog());
        }
        return sb.toString();
    }

    /** GET http://POD_IP:8080/q/metrics (pod IPs of the real node are reachable from the host). */
    static String metrics(Pod pod) {
        return http("http://" + pod.getStatus().getPodIP() + ":8080/q/metrics");
    }

    static String http(String url) {
        try {
            // HTTP/1.1: the JDK client's default h2c upgrade is not what the operator's endpoint speaks
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until no pod of the operator is left in the namespace (after an uninstall). */
    static void awaitGone(KubernetesClient client, String namespace) {
        await("operator pods in " + namespace + " gone").atMost(Duration.ofSeconds(120))
                .until(() -> pods(client, namespace).isEmpty());
    }

    /** Deletes a test namespace and waits until it is gone. */
    static void deleteNamespaceAndWait(KubernetesClient client, String namespace) {
        if (namespace == null) {
            return;
        }
        client.namespaces().withName(namespace).delete();
        await("namespace " + namespace + " deleted").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client.namespaces().withName(namespace).get() == null);
    }

    static Path project() {
        return E2eCluster.projectDir();
    }
}
