package dev.stepwise.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.core.start.ParamResolver;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A webhook call: POST /webhooks/{namespace}/{workflow}, {@code Authorization: Bearer <token>}, a JSON
 * object of params. Answers 201 with the new Run's name, 400 naming bad params or body, 401 for a
 * missing or wrong token (compared in constant time), 404 when the workflow has no enabled webhook,
 * 409 when it is inactive, 429 past the rate limit. The token is never logged.
 */
public final class WebhookHandler {
    private static final Logger LOG = Logger.getLogger(WebhookHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesClient client;
    private final RateLimiter limiter;

    public WebhookHandler(KubernetesClient client, RateLimiter limiter) {
        this.client = client;
        this.limiter = limiter;
    }

    /** What to answer: the status code, a JSON body, and for 429 when to try again. */
    public record Answer(int status, Map<String, Object> body, Duration retryAfter) {
        static Answer of(int status, String key, Object value) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(key, value);
            return new Answer(status, body, null);
        }

        public String json() {
            try {
                return JSON.writeValueAsString(body);
            } catch (Exception e) {
                return "{}";
            }
        }
    }

    public Answer handle(String namespace, String workflow, String authorization, String body) {
        String where = namespace + "/" + workflow;
        Duration wait = limiter.take(where);
        if (wait != null) {
            Answer a = Answer.of(429, "error", "too many calls for workflow " + where + ": try again in "
                    + Math.max(1, wait.toSeconds()) + "s");
            return new Answer(a.status(), a.body(), wait);
        }
        WorkflowResource wf = client.resources(WorkflowResource.class).inNamespace(namespace).withName(workflow).get();
        if (wf == null || wf.getSpec() == null || wf.getSpec().webhook == null || !wf.getSpec().webhook.isEnabled()) {
            return Answer.of(404, "error", "no webhook for workflow " + where);
        }
        SecretKeySelector ref = wf.getSpec().webhook.tokenSecretRef;
        String expected = dev.stepwise.kube.SecretValues.read(client, namespace, ref);
        if (expected == null) {
            LOG.warnf("webhook of workflow %s: no token in Secret %s key %s", where, ref == null ? null : ref.getName(),
                    ref == null ? null : ref.getKey());
        }
        if (expected == null || !sameToken(expected, bearer(authorization))) {
            return Answer.of(401, "error", "missing or wrong bearer token");
        }
        if (!wf.getSpec().activeOrDefault()) {
            return Answer.of(409, "error", "workflow " + where + " is inactive (spec.active: false)");
        }
        Map<String, String> params;
        try {
            params = params(body);
        } catch (IllegalArgumentException e) {
            return Answer.of(400, "error", e.getMessage());
        }
        ParamResolver.Result resolved = ParamResolver.resolve(wf.getSpec().params, params);
        if (!resolved.ok()) {
            Answer a = Answer.of(400, "error", String.join("; ", resolved.problems()));
            a.body().put("problems", resolved.problems());
            return a;
        }
        Run made = dev.stepwise.kube.TriggeredRun.of(wf, "webhook", params);
        made.getMetadata().setGenerateName(dev.stepwise.core.Names.fit(workflow, 200) + "-webhook-");
        Run run = client.resources(Run.class).inNamespace(namespace).resource(made).create();
        LOG.infof("webhook of workflow %s started Run %s", where, run.getMetadata().getName());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", run.getMetadata().getName());
        out.put("namespace", namespace);
        return new Answer(201, out, null);
    }

    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "";
        }
        return authorization.substring(7).trim();
    }

    /** Constant time in the length of what was sent: no early exit on the first wrong byte. */
    static boolean sameToken(String expected, String given) {
        return !expected.isEmpty() && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /** The body: empty, or a JSON object of params whose values are strings, numbers or booleans. */
    static Map<String, String> params(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return out;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("the body is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object of params, e.g. {\"date\": \"2026-11-01\"}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IllegalArgumentException("param '" + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String firstLine(String s) {
        return s == null ? "" : List.of(s.split("\n")).get(0);
    }
}
