package dev.stepwise.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;

/**
 * Serves POST /webhooks/{namespace}/{workflow} on the operator's HTTP port (8080, the one of /q/health):
 * answers only for Workflows with {@code webhook.enabled}. Every replica answers (it only creates a Run).
 */
@ApplicationScoped
public class WebhookRoute {
    /** Bodies are small JSON objects of params. */
    static final int BODY_LIMIT = 64 * 1024;

    void routes(@Observes Router router, KubernetesClient client, Clock clock,
                @ConfigProperty(name = "stepwise.webhook-calls-per-minute", defaultValue = "60") int perMinute) {
        WebhookHandler handler = new WebhookHandler(client, new RateLimiter(perMinute, clock));
        router.post("/webhooks/:namespace/:workflow")
                .handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .blockingHandler(ctx -> {
                    WebhookHandler.Answer a;
                    try {
                        a = handler.handle(ctx.pathParam("namespace"), ctx.pathParam("workflow"),
                                ctx.request().getHeader("Authorization"), ctx.body().asString());
                    } catch (RuntimeException e) {
                        a = WebhookHandler.Answer.of(503, "error", "could not start a Run: " + e.getMessage());
                    }
                    var response = ctx.response().setStatusCode(a.status()).putHeader("Content-Type", "application/json");
                    if (a.retryAfter() != null) {
                        response.putHeader("Retry-After", Long.toString(Math.max(1, a.retryAfter().toSeconds())));
                    }
                    response.end(a.json());
                }, false);
    }
}
