package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.kube.Labels;
import dev.stepwise.testing.MockApi;
import dev.stepwise.testing.Yaml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowLabelTest {
    private final MockApi api = new MockApi();

    @AfterEach
    void close() {
        api.close();
    }

    private static Run run(String resourceVersion, boolean labelled) {
        Run r = Yaml.load(Run.class, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: etl-1, namespace: data, uid: run-uid, resourceVersion: "%s"}
                spec: {workflowRef: {name: etl}}
                """.formatted(resourceVersion));
        if (labelled) {
            r.getMetadata().getLabels().put(Labels.WORKFLOW, "etl");
        }
        return r;
    }

    /**
     * The status write after the label is checked against the Run's resourceVersion: it must be the
     * labelled one, or every Run's first status write fails with 409 (issue 19: 1,000 of 1,000 did).
     */
    @Test
    void labellingMovesTheRunToTheLabelledResourceVersion() {
        api.server.expect().patch().withPath("/apis/stepwise.dev/v1alpha1/namespaces/data/runs/etl-1")
                .andReturn(200, run("11", true)).once();
        Run run = run("10", false);
        WorkflowLabel.ensure(api.client, run);
        assertThat(run.getMetadata().getResourceVersion()).isEqualTo("11");
        assertThat(run.getMetadata().getLabels()).containsEntry(Labels.WORKFLOW, "etl");
    }

    @Test
    void aLabelledRunIsLeftAlone() {
        Run run = run("10", true);
        WorkflowLabel.ensure(api.client, run);
        assertThat(run.getMetadata().getResourceVersion()).isEqualTo("10");
        assertThat(api.server.getRequestCount()).isZero();
    }
}
