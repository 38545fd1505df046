package dev.stepwise.kube;

import dev.stepwise.core.Names;
import dev.stepwise.core.run.RunEvent;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.time.Times;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.net.HttpURLConnection;

/** Records Kubernetes Events on a resource, so {@code kubectl describe} tells the story. */
public final class RunEvents {
    private static final Logger LOG = Logger.getLogger(RunEvents.class);
    private final KubernetesClient client;

    public RunEvents(KubernetesClient client) {
        this.client = client;
    }

    public void record(HasMetadata on, RunEvent event, Instant now) {
        String time = Times.format(now);
        try {
            client.v1().events().inNamespace(on.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        // named by what happened: recording the same story twice (a restart, a stale cache) is a no-op
                        .withName(Names.fit(on.getMetadata().getName(), 253 - 17) + "." + Names.sha256(on.getMetadata().getUid()
                                + event.reason() + event.message()).substring(0, 16))
                        .withNamespace(on.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(on.getApiVersion())
                        .withKind(on.getKind())
                        .withName(on.getMetadata().getName())
                        .withNamespace(on.getMetadata().getNamespace())
                        .withUid(on.getMetadata().getUid())
                        .withResourceVersion(on.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withType(event.type().name())
                    .withReason(event.reason())
                    .withMessage(StatusBudget.truncate(event.message(), StatusBudget.MESSAGE_BYTES))
                    .withNewSource().withComponent("stepwise").endSource()
                    .withReportingComponent("stepwise.dev/operator")
                    .withReportingInstance("stepwise")
                    .withFirstTimestamp(time)
                    .withLastTimestamp(time)
                    .withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return;
            }
            // an event is a courtesy: losing one must never fail a reconcile
            LOG.warnf("could not record event %s on %s: %s", event.reason(), on.getMetadata().getName(), e.getMessage());
        }
    }
}
