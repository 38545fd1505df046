package dev.stepwise.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The local cluster of dev/cluster, reached through KUBECONFIG as a user reaches it, and the files
 * of this project (crds/, samples/, the operator jar).
 */
final class E2eCluster {
    static final String FIELD_MANAGER = "stepwise-e2e";
    static final String E2E_LABEL = "stepwise.dev/e2e";
    private static final SecureRandom RANDOM = new SecureRandom();

    private E2eCluster() {
    }

    /** The KUBECONFIG file the tests and the operator use; fails clearly when it is not set. */
    static String kubeconfig() {
        String kc = System.getenv("KUBECONFIG");
        if (kc == null || kc.isBlank()) {
            throw new IllegalStateException("KUBECONFIG is not set. The E2E tests run against the local cluster: "
                    + "dev/cluster up && export KUBECONFIG=$PWD/.cluster/kubeconfig, then mvn -B verify -Pe2e");
        }
        if (!Files.isReadable(Path.of(kc))) {
            throw new IllegalStateException("KUBECONFIG=" + kc + " is not a readable file (is the cluster up? dev/cluster status)");
        }
        return kc;
    }

    /** A client built as kubectl would be (it honours KUBECONFIG); fails clearly when the cluster is down. */
    static KubernetesClient client() {
        String kc = kubeconfig();
        KubernetesClient client = new KubernetesClientBuilder().build();
        try {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            client.close();
            throw new IllegalStateException("cannot reach the cluster of KUBECONFIG=" + kc
                    + " (dev/cluster status; dev/cluster up starts it): " + e.getMessage(), e);
        }
        return client;
    }

    static Path projectDir() {
        String basedir = System.getProperty("basedir");
        Path dir = Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("crds"))) {
            throw new IllegalStateException("not the project directory (no crds/): " + dir);
        }
        return dir;
    }

    /**
     * The git image dev/cluster builds from Debian's git and preloads (GIT_IMAGE in dev/versions.env): the
     * product default (a public image) cannot be pulled here, so the operators the tests start use this one.
     */
    static String gitImage() {
        try {
            return Files.readAllLines(projectDir().resolve("dev/versions.env")).stream()
                    .filter(l -> l.startsWith("GIT_IMAGE="))
                    .map(l -> l.substring("GIT_IMAGE=".length()).replace("\"", "").strip())
                    .findFirst().orElseThrow(() -> new IllegalStateException("no GIT_IMAGE= in dev/versions.env"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path sample(String name) {
        Path p = projectDir().resolve("samples").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing sample " + p);
        }
        return p;
    }

    /** A fresh namespace named prefix-xxxxx, labelled so leftovers can be found (kubectl get ns -l stepwise.dev/e2e). */
    static String createNamespace(KubernetesClient client, String prefix) {
        String name = prefix + "-" + randomSuffix();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels(E2E_LABEL, "true").endMetadata().build()).create();
        // the service account controller creates "default" shortly after; pods of Jobs need it
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.serviceAccounts().inNamespace(name).withName("default").get() != null);
        return name;
    }

    static void deleteNamespace(KubernetesClient client, String name) {
        if (name != null) {
            client.namespaces().withName(name).delete();
        }
    }

    static String randomSuffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** kubectl apply --server-side --force-conflicts -f FILE [-n NAMESPACE]. */
    static List<HasMetadata> apply(KubernetesClient client, Path file, String namespace) {
        try (InputStream in = Files.newInputStream(file)) {
            var load = client.load(in);
            var target = namespace == null ? load : load.inNamespace(namespace);
            return target.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kubectl apply --server-side -f YAML [-n NAMESPACE], for objects written inline by a test. */
    static List<HasMetadata> applyYaml(KubernetesClient client, String yaml, String namespace) {
        var load = client.load(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var target = namespace == null ? load : load.inNamespace(namespace);
        return target.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    /** kubectl apply --server-side -f crds/, without waiting for the CRDs to be Established. */
    static void applyCrdsWithoutWaiting(KubernetesClient client) {
        for (Path f : crdFiles()) {
            apply(client, f, null);
        }
    }

    private static List<Path> crdFiles() {
        try (Stream<Path> s = Files.list(projectDir().resolve("crds"))) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kubectl apply --server-side -f crds/, then waits until every CRD is Established. */
    static void installCrds(KubernetesClient client) {
        for (Path f : crdFiles()) {
            for (HasMetadata crd : apply(client, f, null)) {
                String name = crd.getMetadata().getName();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    var c = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
                    // a CRD created a moment ago has a status without conditions yet
                    return c != null && c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                            .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus()));
                });
            }
        }
    }
}
