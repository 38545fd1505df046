package dev.stepwise.testing;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * One real kube-apiserver + etcd per test JVM (Fabric8 kube-api-test with the binaries that
 * dev/link-kube-api-test lays out), with the CRDs from crds/ installed. There is no
 * controller-manager: tests play the Job controller and the kubelet by writing status themselves.
 */
public final class RealApiServer {
    private static KubeAPIServer server;
    private static KubernetesClient client;

    private RealApiServer() {
    }

    public static synchronized KubernetesClient client() {
        if (client == null) {
            server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withApiServerVersion("1.34.4")
                    .withOfflineMode(true)
                    .withUpdateKubeConfig(false)
                    .build());
            server.start();
            client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
            installCrds(client);
            // a just-established CRD can still drop the first watches: wait until every kind lists
            for (Class<? extends HasMetadata> kind : List.of(WorkflowResource.class, WorkflowRevision.class, Run.class, InstanceType.class)) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> client.resources(kind).inAnyNamespace().list().getItems() != null);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                client.close();
                server.stop();
            }));
        }
        return client;
    }

    public static void installCrds(KubernetesClient client) {
        try (Stream<Path> files = Files.list(Path.of("crds"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                    client.resource(crd).serverSideApply();
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        var c = client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get();
                        return c.getStatus() != null && c.getStatus().getConditions().stream()
                                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
                    });
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read crds/", e);
        }
    }
}
