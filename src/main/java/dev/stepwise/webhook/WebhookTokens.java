package dev.stepwise.webhook;

import dev.stepwise.kube.SecretValues;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The expected token of each open webhook, read from its Secret at most once per {@code ttl} (the operator
 * may not list or watch Secrets, so there is no informer for them): a rotated Secret takes effect within
 * the ttl. An entry is made when the webhook opens and dropped when it closes, never by a call. A token
 * shorter than {@link #MIN_BYTES} keeps the webhook closed; the reporter hears why, once per change.
 */
final class WebhookTokens {
    private static final Logger LOG = Logger.getLogger(WebhookTokens.class);
    /** Shorter tokens are refused: guessable, and likely a placeholder. */
    static final int MIN_BYTES = 16;
    /** After a failed Secret read, the next try waits this long (calls meanwhile keep the last token, or 503). */
    static final Duration RETRY = Duration.ofSeconds(5);

    /** Hears why a webhook stays closed (the token is missing or too short), when that changes. */
    interface Reporter {
        void closed(String namespace, String workflow, String problem);
    }

    /** A Secret could not be read and no earlier token is at hand (logged where it happened, at most every {@link #RETRY}). */
    static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("the webhook's token Secret could not be read", null, false, false);
        }
    }

    /** The expected token's bytes, or why there is none. */
    record Token(byte[] value, String problem) {
        boolean usable() {
            return value != null;
        }
    }

    private static final class Entry {
        final String namespace;
        final String workflow;
        final SecretKeySelector ref;
        Token token;
        Instant fetchedAt;
        Instant retryAt;

        Entry(String namespace, String workflow, SecretKeySelector ref) {
            this.namespace = namespace;
            this.workflow = workflow;
            this.ref = ref;
        }
    }

    private final KubernetesClient client;
    private final Duration ttl;
    private final Clock clock;
    private final Reporter reporter;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    WebhookTokens(KubernetesClient client, Duration ttl, Clock clock, Reporter reporter) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
        this.reporter = reporter;
    }

    /** The webhook is open (or its Workflow changed): a new Secret reference forgets the cached token. */
    void open(String key, String namespace, String workflow, SecretKeySelector ref) {
        entries.compute(key, (k, old) -> old != null && Objects.equals(old.ref, ref) ? old : new Entry(namespace, workflow, ref));
    }

    void forget(String key) {
        entries.remove(key);
    }

    int size() {
        return entries.size();
    }

    /**
     * The expected token: cached, or read now when older than the ttl.
     *
     * @return null for a webhook that is not open
     * @throws Unavailable when the Secret cannot be read and no token was read before
     */
    Token get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        Token read;
        boolean report;
        synchronized (e) {
            Instant now = clock.instant();
            boolean fresh = e.fetchedAt != null && now.isBefore(e.fetchedAt.plus(ttl));
            boolean waiting = e.retryAt != null && now.isBefore(e.retryAt);
            if (fresh || waiting) {
                if (e.token == null) {
                    throw new Unavailable();
                }
                return e.token;
            }
            try {
                read = check(e.ref, SecretValues.read(client, e.namespace, e.ref));
            } catch (KubernetesClientException ex) {
                if (ex.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
                    return unreadable(e, now, ex);
                }
                // lasts until someone grants it: a closed webhook, not an outage
                read = new Token(null, "the operator may not read Secret '" + e.ref.getName() + "'");
            } catch (RuntimeException ex) {
                return unreadable(e, now, ex);
            }
            report = read.problem() != null && (e.token == null || !read.problem().equals(e.token.problem()));
            e.token = read;
            e.fetchedAt = now;
            e.retryAt = null;
        }
        if (report) {
            reporter.closed(e.namespace, e.workflow, read.problem());
        }
        return read;
    }

    /** The Secret could not be read now: keep the last token (or none: 503) and try again after {@link #RETRY}. */
    private static Token unreadable(Entry e, Instant now, RuntimeException ex) {
        e.retryAt = now.plus(RETRY);
        LOG.warnf("webhook of workflow %s/%s: could not read Secret %s (%s); next try in %ds", e.namespace, e.workflow,
                e.ref.getName(), ex.getMessage(), RETRY.toSeconds());
        if (e.token == null) {
            throw new Unavailable();
        }
        return e.token;
    }

    static Token check(SecretKeySelector ref, String value) {
        if (ref == null || ref.getName() == null || ref.getKey() == null) {
            return new Token(null, "webhook.tokenSecretRef names no Secret key");
        }
        if (value == null || value.isEmpty()) {
            return new Token(null, "no token in Secret '" + ref.getName() + "' key '" + ref.getKey() + "'");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            return new Token(null, "the token in Secret '" + ref.getName() + "' key '" + ref.getKey() + "' is shorter than "
                    + MIN_BYTES + " bytes");
        }
        return new Token(bytes, null);
    }
}
