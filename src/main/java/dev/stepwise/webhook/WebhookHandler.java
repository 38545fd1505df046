package dev.stepwise.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.core.Names;
import dev.stepwise.core.start.ParamResolver;
import dev.stepwise.kube.TriggeredRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A webhook call: POST /webhooks/{namespace}/{workflow}, {@code Authorization: Bearer <token>}, a JSON
 * object of params. Until the right token is shown, nothing a caller sends reaches the API server or
 * leaves state behind: the Workflow comes from the webhook's informer cache, the token from a cache of
 * open webhooks' Secrets, and a malformed path, an unknown Workflow, a closed webhook, a missing,
 * oversized or wrong token all get the same {@link #UNAUTHORIZED}. Then: 429 past the Workflow's or the
 * global rate limit, 409 when the Workflow is inactive, 400 naming bad params or body, 201 with the new
 * Run's name. 503 {@link #UNAVAILABLE} until the cache is synced or when the API server fails; its words
 * are only logged. The token is never logged.
 */
public final class WebhookHandler {
    private static final Logger LOG = Logger.getLogger(WebhookHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A presented token longer than this is refused before any comparison. */
    static final int MAX_TOKEN_BYTES = 4096;
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NAME = 253;

    /** The one answer to every call that did not show the right token for an open webhook. */
    public static final Answer UNAUTHORIZED = new Answer(401, Map.of("error", "unauthorized"), null);
    /** The one answer when the operator cannot serve: cache not synced yet, API server failing. */
    public static final Answer UNAVAILABLE = new Answer(503, Map.of("error", "unavailable"), null);

    private final KubernetesClient client;
    private final WebhookWorkflows workflows;
    private final WebhookTokens tokens;
    private final RateLimiter limiter;
    private final RefusalLog refusals;

    WebhookHandler(KubernetesClient client, WebhookWorkflows workflows, WebhookTokens tokens, RateLimiter limiter,
                   RefusalLog refusals) {
        this.client = client;
        this.workflows = workflows;
        this.tokens = tokens;
        this.limiter = limiter;
        this.refusals = refusals;
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

        /** The response headers: the same for every 401 (and every 503). */
        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "application/json");
            if (status == 401) {
                h.put("WWW-Authenticate", "Bearer");
            }
            if (retryAfter != null) {
                h.put("Retry-After", Long.toString(seconds(retryAfter)));
            }
            return h;
        }
    }

    /** @param from the caller's address, for the log of refused calls (may be null) */
    public Answer handle(String namespace, String workflow, String authorization, String body, String from) {
        try {
            return answer(namespace, workflow, authorization, body, from);
        } catch (WebhookTokens.Unavailable e) {
            // WebhookTokens logged the failed read; the calls until its next try are not worth a line each
            return UNAVAILABLE;
        } catch (RuntimeException e) {
            LOG.warnf(e, "webhook of workflow %s/%s: could not start a Run", namespace, workflow);
            return UNAVAILABLE;
        }
    }

    private Answer answer(String namespace, String workflow, String authorization, String body, String from) {
        if (!workflows.synced()) {
            return UNAVAILABLE;
        }
        if (!validName(namespace, workflow)) {
            return refuse("malformed path", from);
        }
        String where = namespace + "/" + workflow;
        WorkflowResource wf = workflows.get(namespace, workflow);
        if (!WebhookWorkflows.hasOpenWebhook(wf)) {
            return refuse("no open webhook for workflow " + where, from);
        }
        byte[] given = bearer(authorization).getBytes(StandardCharsets.UTF_8);
        if (given.length == 0) {
            return refuse("no bearer token for workflow " + where, from);
        }
        if (given.length > MAX_TOKEN_BYTES) {
            return refuse("a bearer token over " + MAX_TOKEN_BYTES + " bytes for workflow " + where, from);
        }
        WebhookTokens.Token expected = tokens.get(where);
        if (expected == null || !expected.usable()) {
            return refuse("the webhook of workflow " + where + " is closed"
                    + (expected == null ? "" : ": " + expected.problem()), from);
        }
        // takes as long for any token given: MessageDigest.isEqual runs over the expected bytes, whatever was sent
        if (!MessageDigest.isEqual(expected.value(), given)) {
            return refuse("wrong bearer token for workflow " + where, from);
        }
        RateLimiter.Limited limited = limiter.take(where);
        if (limited != null) {
            String what = limited.global() ? "too many webhook calls" : "too many calls for workflow " + where;
            Answer a = Answer.of(429, "error", what + ": try again in " + seconds(limited.retryAfter()) + "s");
            return new Answer(a.status(), a.body(), limited.retryAfter());
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
        Run made = TriggeredRun.of(wf, "webhook", params);
        made.getMetadata().setGenerateName(Names.fit(workflow, 200) + "-webhook-");
        Run run = client.resources(Run.class).inNamespace(namespace).resource(made).create();
        LOG.infof("webhook of workflow %s started Run %s", where, run.getMetadata().getName());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", run.getMetadata().getName());
        out.put("namespace", namespace);
        return new Answer(201, out, null);
    }

    /** Whole seconds, rounded up, at least 1. */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private Answer refuse(String why, String from) {
        refusals.refused(why, from);
        return UNAUTHORIZED;
    }

    /** A namespace (DNS label) and a Workflow name (DNS subdomain) as Kubernetes allows them: nothing else is looked up or logged. */
    static boolean validName(String namespace, String workflow) {
        return namespace != null && workflow != null && namespace.length() <= 63 && workflow.length() <= MAX_NAME
                && NAMESPACE.matcher(namespace).matches() && NAME.matcher(workflow).matches();
    }

    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "";
        }
        return authorization.substring(7).trim();
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
