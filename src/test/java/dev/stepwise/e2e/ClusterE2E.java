package dev.stepwise.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proves the local cluster can do what Stepwise needs: real containers with exit codes and logs on
 * the real node, Jobs on the simulated KWOK nodes, and custom resources. No operator involved.
 */
class ClusterE2E {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void setUp() {
        client = E2eCluster.client();
        ns = E2eCluster.createNamespace(client, "e2e-cluster");
    }

    @AfterAll
    static void tearDown() {
        if (client != null) {
            E2eCluster.deleteNamespace(client, ns);
            client.close();
        }
    }

    @Test
    void aFailingContainerReportsItsExitCodeAndLog() {
        Job job = client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder()
                .withNewMetadata().withName("exit-3").endMetadata()
                .withNewSpec().withBackoffLimit(0)
                    .withNewTemplate().withNewSpec().withRestartPolicy("Never")
                        .addNewContainer().withName("main").withImage("busybox:1.36")
                            .withCommand("sh", "-c", "echo 'e2e says goodbye'; exit 3").endContainer()
                    .endSpec().endTemplate()
                .endSpec().build()).create();

        await("Job exit-3 Failed").atMost(DEADLINE).until(() -> hasCondition(
                client.batch().v1().jobs().inNamespace(ns).withName("exit-3").get(), "Failed"));

        Pod pod = podOf(job);
        assertThat(pod.getSpec().getNodeName()).as("ran on the real node").doesNotStartWith("kwok-");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(terminated).as("terminated state of the container").isNotNull();
        assertThat(terminated.getExitCode()).isEqualTo(3);
        String log = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).getLog();
        assertThat(log).contains("e2e says goodbye");
    }

    @Test
    void aJobOnAKwokNodeCompletes() {
        Job job = client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder()
                .withNewMetadata().withName("on-kwok").endMetadata()
                .withNewSpec().withBackoffLimit(0)
                    .withNewTemplate().withNewSpec().withRestartPolicy("Never")
                        .withNodeSelector(Map.of("type", "kwok"))
                        .addNewToleration().withKey("kwok.x-k8s.io/node").withOperator("Exists")
                            .withEffect("NoSchedule").endToleration()
                        .addNewContainer().withName("main").withImage("busybox:1.36")
                            .withCommand("true").endContainer()
                    .endSpec().endTemplate()
                .endSpec().build()).create();

        await("Job on-kwok Complete").atMost(DEADLINE).until(() -> hasCondition(
                client.batch().v1().jobs().inNamespace(ns).withName("on-kwok").get(), "Complete"));
        assertThat(podOf(job).getSpec().getNodeName()).startsWith("kwok-node-");
    }

    @Test
    void aCustomResourceDefinitionCanBeAppliedAndUsed() {
        String group = "e2e.stepwise.dev";
        String crdName = "widgets." + group;
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(crdName).endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                    .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true)
                        .withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
                            .addToProperties("spec", new JSONSchemaPropsBuilder().withType("object")
                                .addToProperties("size", new JSONSchemaPropsBuilder().withType("integer").build())
                                .build())
                            .build()).endSchema()
                    .endVersion()
                .endSpec().build();
        try {
            client.apiextensions().v1().customResourceDefinitions().resource(crd)
                    .fieldManager(E2eCluster.FIELD_MANAGER).forceConflicts().serverSideApply();
            await("CRD " + crdName + " Established").atMost(Duration.ofSeconds(30)).until(() -> {
                var c = client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
                return c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
            });
            var widgets = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                    .withGroup(group).withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true).build());
            GenericKubernetesResource widget = new GenericKubernetesResourceBuilder()
                    .withApiVersion(group + "/v1").withKind("Widget")
                    .withNewMetadata().withName("w1").withNamespace(ns).endMetadata()
                    .addToAdditionalProperties("spec", Map.of("size", 3))
                    .build();
            // a CRD just Established can refuse the first requests for a moment
            await("Widget w1 created").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> widgets.inNamespace(ns).resource(widget).createOr(w -> w.update()) != null);
            GenericKubernetesResource read = widgets.inNamespace(ns).withName("w1").get();
            assertThat(read).isNotNull();
            assertThat(read.get("spec", "size").toString()).isEqualTo("3");
            widgets.inNamespace(ns).withName("w1").delete();
            await("Widget w1 deleted").atMost(Duration.ofSeconds(30))
                    .until(() -> widgets.inNamespace(ns).withName("w1").get() == null);
        } finally {
            client.apiextensions().v1().customResourceDefinitions().withName(crdName).delete();
        }
        await("CRD deleted").atMost(Duration.ofSeconds(60))
                .until(() -> client.apiextensions().v1().customResourceDefinitions().withName(crdName).get() == null);
    }

    private static boolean hasCondition(Job job, String type) {
        return job != null && job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Pod podOf(Job job) {
        List<Pod> pods = client.pods().inNamespace(ns)
                .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName()).list().getItems();
        assertThat(pods).as("pods of Job %s", job.getMetadata().getName()).hasSize(1);
        return pods.get(0);
    }
}
