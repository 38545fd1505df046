package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** Changes the operator makes to other Runs, as a user would with kubectl patch. */
public final class RunPatches {
    private RunPatches() {
    }

    /** {@code kubectl patch run NAME --type=merge -p '{"spec":{"cancel":true}}'}; a Run already gone needs none. */
    public static void cancel(KubernetesClient client, String namespace, String name) {
        try {
            client.resources(Run.class).inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
