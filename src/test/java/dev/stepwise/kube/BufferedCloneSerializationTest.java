package dev.stepwise.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The copy JOSDK takes of every Run before a reconcile: equal to Fabric8's own, and independent of it. */
class BufferedCloneSerializationTest {
    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    private static final BufferedCloneSerialization BUFFERED = new BufferedCloneSerialization(new ObjectMapper());

    private static final String RUN = """
            {"apiVersion":"stepwise.dev/v1alpha1","kind":"Run","metadata":{"name":"r","namespace":"ns","uid":"u1",
             "labels":{"stepwise.dev/workflow":"wf"},"resourceVersion":"7","generation":1},
             "spec":{"workflowRef":{"name":"wf"},"params":{"who":"world"}},
             "status":{"phase":"Running","revision":"wf-abc","startedAt":"2026-11-26T09:16:51Z","params":{"who":"world"},
              "conditions":[{"type":"Ready","status":"False","reason":"Running","message":"1/2 steps","lastTransitionTime":"2026-11-26T09:16:51Z","observedGeneration":1}],
              "steps":[{"name":"a","phase":"Succeeded","attempts":[{"number":1,"reason":"Completed","job":"r-a-1","pod":"r-a-1-x","exitCode":0,
                "startedAt":"2026-11-26T09:16:52Z","finishedAt":"2026-11-26T09:16:55Z","logs":"hello\\nworld\\n"}],"outputs":{"greeting":"hi"}},
               {"name":"b","phase":"Running","attempts":[{"number":1,"job":"r-b-1"}]}]}}
            """;

    private static final String JOB = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"r-a-1","namespace":"ns","labels":{"stepwise.dev/run":"r"}},
             "spec":{"backoffLimit":0,"activeDeadlineSeconds":600,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"main",
              "image":"busybox:1.36","command":["sh","-c","echo hi"],"resources":{"requests":{"cpu":"100m","memory":"64Mi"},
              "limits":{"memory":"1.5Gi"}},"ports":[{"containerPort":8080}],"livenessProbe":{"httpGet":{"path":"/","port":"http"}}}]}}},
             "status":{"active":1,"startTime":"2026-11-26T09:16:52Z","uncountedTerminatedPods":{}}}
            """;

    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"r-a-1-x","namespace":"ns","finalizers":["batch.kubernetes.io/job-tracking"]},
             "spec":{"containers":[{"name":"main","image":"busybox:1.36"}]},
             "status":{"phase":"Failed","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"main","ready":false,
              "restartCount":0,"image":"busybox:1.36","imageID":"","state":{"terminated":{"exitCode":3,"reason":"Error",
              "startedAt":"2026-11-26T09:16:52Z","finishedAt":"2026-11-26T09:16:53Z"}}}]}}
            """;

    @Test
    void copiesARunAJobAndAPodAsFabric8Does() throws Exception {
        check(FABRIC8.unmarshal(RUN, Run.class));
        check(FABRIC8.unmarshal(JOB, Job.class));
        check(FABRIC8.unmarshal(POD, Pod.class));
    }

    @Test
    void theCopyIsDeep() throws Exception {
        Run run = FABRIC8.unmarshal(RUN, Run.class);
        Run copy = BUFFERED.bufferedCopy(run);
        copy.getStatus().steps.get(0).attempts.get(0).exitCode = 9;
        copy.getMetadata().getLabels().put("changed", "yes");
        assertThat(FABRIC8.asJson(run)).isEqualTo(FABRIC8.asJson(FABRIC8.unmarshal(RUN, Run.class)));
    }

    @Test
    void nothingIsNothing() {
        assertThat((Object) BUFFERED.clone(null)).isNull();
    }

    private static void check(HasMetadata original) throws Exception {
        HasMetadata copy = BUFFERED.bufferedCopy(original); // not Fabric8's way, which clone() falls back to
        assertThat(copy).isNotSameAs(original).isInstanceOf(original.getClass());
        assertThat(BUFFERED.asJson(copy)).isEqualTo(FABRIC8.asJson(FABRIC8.clone(original)));
    }
}
