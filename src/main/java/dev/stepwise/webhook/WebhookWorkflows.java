package dev.stepwise.webhook;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The webhook's own cache of Workflows: a Fabric8 informer per watched namespace (one for all), started on
 * every replica. JOSDK's caches serve the reconcilers; the webhook answers on every replica and must never
 * ask the API server about a path a caller made up. The listener hears which Workflows have an enabled
 * webhook, so state kept per Workflow (rate-limit buckets, cached tokens) exists only for those.
 */
final class WebhookWorkflows implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookWorkflows.class);

    /** Told, from the informers' thread, when a Workflow's webhook opens (or changes) and when it closes. */
    interface Listener {
        void opened(String key, WorkflowResource wf);

        void closed(String key);
    }

    private final Map<String, SharedIndexInformer<WorkflowResource>> byNamespace = new LinkedHashMap<>();
    private final SharedIndexInformer<WorkflowResource> all;

    /** @param namespaces the watched namespaces; empty: all of them */
    WebhookWorkflows(KubernetesClient client, Set<String> namespaces, Listener listener) {
        var workflows = client.resources(WorkflowResource.class);
        ResourceEventHandler<WorkflowResource> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(WorkflowResource wf) {
                seen(wf);
            }

            @Override
            public void onUpdate(WorkflowResource old, WorkflowResource wf) {
                seen(wf);
            }

            @Override
            public void onDelete(WorkflowResource wf, boolean finalStateUnknown) {
                listener.closed(Cache.metaNamespaceKeyFunc(wf));
            }

            private void seen(WorkflowResource wf) {
                String key = Cache.metaNamespaceKeyFunc(wf);
                if (hasOpenWebhook(wf)) {
                    listener.opened(key, wf);
                } else {
                    listener.closed(key);
                }
            }
        };
        if (namespaces.isEmpty()) {
            all = prepare(workflows.inAnyNamespace().runnableInformer(0), handler);
        } else {
            all = null;
            for (String ns : namespaces) {
                byNamespace.put(ns, prepare(workflows.inNamespace(ns).runnableInformer(0), handler));
            }
        }
    }

    private static SharedIndexInformer<WorkflowResource> prepare(SharedIndexInformer<WorkflowResource> informer,
                                                                 ResourceEventHandler<WorkflowResource> handler) {
        // keep trying (API server not there yet, CRD applied a moment ago): the webhook answers 503 meanwhile
        return informer.addEventHandler(handler).exceptionHandler((started, t) -> {
            LOG.debugf("webhook's Workflow informer: %s (retrying)", t.toString());
            return true;
        });
    }

    static boolean hasOpenWebhook(WorkflowResource wf) {
        return wf != null && wf.getSpec() != null && wf.getSpec().webhook != null && wf.getSpec().webhook.isEnabled();
    }

    void start() {
        informers().forEach(SharedIndexInformer::start);
    }

    /** True once every informer has listed its Workflows. */
    boolean synced() {
        return informers().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** The cached Workflow, or null (also for a namespace that is not watched). No API call. */
    WorkflowResource get(String namespace, String name) {
        SharedIndexInformer<WorkflowResource> informer = all != null ? all : byNamespace.get(namespace);
        return informer == null ? null : informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    }

    private Collection<SharedIndexInformer<WorkflowResource>> informers() {
        return all != null ? List.of(all) : byNamespace.values();
    }

    @Override
    public void close() {
        informers().forEach(SharedIndexInformer::close);
    }
}
