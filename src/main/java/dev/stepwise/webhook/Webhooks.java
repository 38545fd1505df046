package dev.stepwise.webhook;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.core.run.RunEvent;
import dev.stepwise.kube.RunEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The webhook's parts, wired: the Workflow informer tells the rate limiter and the token cache which
 * webhooks are open; the handler answers calls from them. One per process, started at startup.
 */
final class Webhooks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Webhooks.class);

    /** What the settings of {@code stepwise.webhook.*} decide. */
    record Settings(int callsPerMinute, int globalCallsPerMinute, Duration tokenCacheTtl, Duration refusalLogInterval) {
    }

    final RateLimiter limiter;
    final WebhookTokens tokens;
    final WebhookWorkflows workflows;
    final RefusalLog refusals;
    final WebhookHandler handler;

    /** @param namespaces the watched namespaces; empty: all */
    Webhooks(KubernetesClient client, Set<String> namespaces, Settings settings, Clock clock) {
        RunEvents events = new RunEvents(client);
        limiter = new RateLimiter(settings.callsPerMinute(), settings.globalCallsPerMinute(), clock);
        // the caller hears 401; the Workflow's owner reads why in its Events (and the log)
        tokens = new WebhookTokens(client, settings.tokenCacheTtl(), clock, (namespace, workflow, problem) -> {
            LOG.warnf("webhook of workflow %s/%s stays closed: %s", namespace, workflow, problem);
            WorkflowResource wf = workflows().get(namespace, workflow);
            if (wf != null) {
                events.record(wf, new RunEvent(RunEvent.Type.Warning, "WebhookClosed", "webhook closed: " + problem),
                        clock.instant());
            }
        });
        workflows = new WebhookWorkflows(client, namespaces, new WebhookWorkflows.Listener() {
            @Override
            public void opened(String key, WorkflowResource wf) {
                limiter.open(key);
                tokens.open(key, wf.getMetadata().getNamespace(), wf.getMetadata().getName(), wf.getSpec().webhook.tokenSecretRef);
            }

            @Override
            public void closed(String key) {
                limiter.forget(key);
                tokens.forget(key);
            }
        });
        refusals = new RefusalLog(clock, settings.refusalLogInterval(), LOG::warn);
        handler = new WebhookHandler(client, workflows, tokens, limiter, refusals);
    }

    private WebhookWorkflows workflows() {
        return workflows;
    }

    Webhooks start() {
        workflows.start();
        return this;
    }

    @Override
    public void close() {
        workflows.close();
    }
}
