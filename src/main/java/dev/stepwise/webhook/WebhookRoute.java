package dev.stepwise.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Serves POST /webhooks/{namespace}/{workflow} on the operator's HTTP port (8080, the one of /q/health).
 * Every replica answers (it only creates a Run), from its own informer on the Workflows of the
 * namespaces the Workflow controller watches.
 */
@ApplicationScoped
public class WebhookRoute {
    private static final Logger LOG = Logger.getLogger(WebhookRoute.class);
    /** Bodies are small JSON objects of params. */
    static final int BODY_LIMIT = 64 * 1024;
    private static final String WORKFLOW_CONTROLLER = "workflow";

    private final WebhookConfig config;
    private final KubernetesClient client;
    private final Clock clock;
    private final Instance<Operator> operator;
    private volatile Webhooks webhooks;

    public WebhookRoute(WebhookConfig config, KubernetesClient client, Clock clock, Instance<Operator> operator) {
        this.config = config;
        this.client = client;
        this.clock = clock;
        this.operator = operator;
    }

    void routes(@Observes Router router) {
        mount(router, this::handler);
    }

    void start(@Observes StartupEvent ev) {
        Set<String> namespaces = watchedNamespaces();
        webhooks = new Webhooks(client, namespaces, config.settings(), clock).start();
        LOG.infof("webhook: serving POST /webhooks/<namespace>/<workflow> for Workflows in %s",
                namespaces.isEmpty() ? "all namespaces" : namespaces);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (webhooks != null) {
            webhooks.close();
        }
    }

    private WebhookHandler handler() {
        Webhooks w = webhooks;
        return w == null ? null : w.handler;
    }

    /** The Workflow controller's namespaces (quarkus.operator-sdk.namespaces, or its own); empty: all. */
    @SuppressWarnings("unchecked")
    private Set<String> watchedNamespaces() {
        Set<String> ns = operator.isResolvable()
                ? operator.get().getRegisteredController(WORKFLOW_CONTROLLER)
                        .map(c -> ((RegisteredController<?>) c).getConfiguration().getEffectiveNamespaces())
                        .orElse(Constants.WATCH_ALL_NAMESPACE_SET)
                : Constants.WATCH_ALL_NAMESPACE_SET;
        return InformerConfiguration.allNamespacesWatched(ns) ? Set.of() : Set.copyOf(ns);
    }

    /**
     * The webhook's routes: POST /webhooks/{namespace}/{workflow}, and anything else under /webhooks/, which
     * gets the same 401 as an unknown Workflow. A null handler (not started yet) answers 503.
     */
    static void mount(Router router, Supplier<WebhookHandler> handlers) {
        router.post("/webhooks/:namespace/:workflow")
                .handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .blockingHandler(ctx -> reply(ctx, handlers.get(), ctx.pathParam("namespace"), ctx.pathParam("workflow"),
                        ctx.body().asString()), false);
        // no API call can come of these: answered on the event loop
        router.route("/webhooks/*").handler(ctx -> reply(ctx, handlers.get(), null, null, null));
    }

    private static void reply(RoutingContext ctx, WebhookHandler handler, String namespace, String workflow, String body) {
        WebhookHandler.Answer a = handler == null ? WebhookHandler.UNAVAILABLE
                : handler.handle(namespace, workflow, ctx.request().getHeader("Authorization"), body,
                        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress());
        var response = ctx.response().setStatusCode(a.status());
        a.headers().forEach(response::putHeader);
        response.end(a.json());
    }
}
