package dev.stepwise.kube;

import dev.stepwise.core.Names;
import dev.stepwise.core.run.RunEvent;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.time.Times;
import io.fabric8.kubernetes.api.model.Event;
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

    /** Records a story event once: recording it again (a restart, a stale cache) changes nothing. */
    public void record(HasMetadata on, RunEvent event, Instant now) {
        record(on, event, now, false);
    }

    /**
     * Records an event that may go on happening (a reconcile that keeps failing, a create the API
     * server keeps refusing): each repeat counts on the one Event, as client-go's recorder does, with
     * {@code count} and {@code lastTimestamp}, so an error that lasts an hour does not show as once.
     */
    public void recordRepeating(HasMetadata on, RunEvent event, Instant now) {
        record(on, event, now, true);
    }

    private void record(HasMetadata on, RunEvent event, Instant now, boolean repeating) {
        String time = Times.format(now);
        String name = Names.fit(on.getMetadata().getName(), 253 - 17) + "." + Names.sha256(on.getMetadata().getUid()
                + event.reason() + event.message()).substring(0, 16);
        try {
            client.v1().events().inNamespace(on.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        // named by what happened: recording the same story twice (a restart, a stale cache) is a no-op
                        .withName(name)
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
                if (repeating) {
                    countRepeat(on.getMetadata().getNamespace(), name, time);
                }
                return;
            }
            // an event is a courtesy: losing one must never fail a reconcile
            LOG.warnf("could not record event %s on %s: %s", event.reason(), on.getMetadata().getName(), e.getMessage());
        }
    }

    private void countRepeat(String namespace, String name, String time) {
        try {
            Event existing = client.v1().events().inNamespace(namespace).withName(name).get();
            if (existing == null) {
                return;
            }
            int count = existing.getCount() == null ? 1 : existing.getCount();
            // the resourceVersion makes a concurrent repeat a 409 rather than a lost count
            MergePatch.send(client, Event.class, namespace, name, java.util.Map.of(
                    "metadata", java.util.Map.of("resourceVersion", existing.getMetadata().getResourceVersion()),
                    "count", count + 1, "lastTimestamp", time));
        } catch (KubernetesClientException e) {
            LOG.debugf("could not count a repeat of event %s: %s", name, e.getMessage());
        }
    }
}
