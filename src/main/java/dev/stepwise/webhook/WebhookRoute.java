package dev.stepwise.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves POST /webhooks/{namespace}/{workflow}: on the operator's HTTP port (8080, the one of /q/health),
 * or alone on {@code stepwise.webhook.port}. Every replica answers (it only creates a Run), from its own
 * informer on the Workflows of the namespaces the Workflow controller watches.
 */
@ApplicationScoped
public class WebhookRoute {
    private static final Logger LOG = Logger.getLogger(WebhookRoute.class);
    /** Bodies are small JSON objects of params. */
    static final int BODY_LIMIT = 64 * 1024;
    /** A connection of the webhook's own port that sends nothing for this long is closed. */
    static final int IDLE_SECONDS = 30;
    private static final String WORKFLOW_CONTROLLER = "workflow";

    private final WebhookConfig config;
    private final KubernetesClient client;
    private final Clock clock;
    private final Instance<Operator> operator;
    private final Vertx vertx;
    private final int httpPort;
    private final String httpHost;
    private volatile Webhooks webhooks;
    private HttpServer server;

    public WebhookRoute(WebhookConfig config, KubernetesClient client, Clock clock, Instance<Operator> operator, Vertx vertx,
                        @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort,
                        @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String httpHost) {
        this.config = config;
        this.client = client;
        this.clock = clock;
        this.operator = operator;
        this.vertx = vertx;
        this.httpPort = httpPort;
        this.httpHost = httpHost;
    }

    /** Its own port, unless none is set or it is the HTTP port itself. */
    private boolean ownPort() {
        return config.port().isPresent() && config.port().getAsInt() != httpPort;
    }

    void routes(@Observes Router router) {
        if (!ownPort()) {
            mount(router, this::handler);
        }
    }

    void start(@Observes StartupEvent ev) {
        Set<String> namespaces = watchedNamespaces();
        webhooks = new Webhooks(client, namespaces, config.settings(), clock).start();
        LOG.infof("webhook: serving POST /webhooks/<namespace>/<workflow> on port %d for Workflows in %s",
                ownPort() ? config.port().getAsInt() : httpPort, namespaces.isEmpty() ? "all namespaces" : namespaces);
        if (ownPort()) {
            server = listen(vertx, httpHost, config.port().getAsInt(), this::handler);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        if (server != null) {
            server.close();
        }
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

    /** The webhook alone on a port of its own (anything but /webhooks/ answers 404 there); started before it returns. */
    static HttpServer listen(Vertx vertx, String host, int port, Supplier<WebhookHandler> handlers) {
        Router router = Router.router(vertx);
        mount(router, handlers);
        try {
            HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                            .setIdleTimeout(IDLE_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS))
                    .requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.infof("webhook: listening on %s:%d", host, s.actualPort());
            return s;
        } catch (Exception e) {
            throw new IllegalStateException("the webhook cannot listen on " + host + ":" + port + " (stepwise.webhook.port): "
                    + e.getMessage(), e);
        }
    }
}
