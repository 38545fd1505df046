package dev.stepwise.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.run.NotificationResult;
import dev.stepwise.core.run.NotificationToSend;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends notifications off the reconcile threads: a POST of the JSON body to the URL kept in a Secret,
 * at most 2 at a time with at most 200 waiting (beyond that a send fails at once and is retried later
 * with backoff, so a dead endpoint never piles up work). What each got is kept for the Run's next
 * look, which {@code wake} asks for. URLs are logged by host only: they often carry a token.
 */
public final class Notifier {
    private static final Logger LOG = Logger.getLogger(Notifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(200),
            r -> {
                Thread t = new Thread(r, "stepwise-notifier");
                t.setDaemon(true);
                return t;
            });
    private final Map<String, Queue<NotificationResult>> results = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    public Notifier(Clock clock) {
        this.clock = clock;
    }

    /** What the sends for this Run got since the last call. */
    public List<NotificationResult> drain(String runUid) {
        Queue<NotificationResult> q = results.remove(runUid);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    public void send(KubernetesClient client, Run run, NotificationToSend n, Runnable wake) {
        String uid = run.getMetadata().getUid();
        String key = uid + "/" + n.index() + "/" + n.event();
        if (!inFlight.add(key)) {
            return; // the answer of the last send is still to come
        }
        String url = SecretValues.read(client, run.getMetadata().getNamespace(), n.urlSecretRef());
        if (url == null) {
            done(key, uid, n, false, "no URL: Secret " + n.urlSecretRef().getName() + " has no key " + n.urlSecretRef().getKey(), wake);
            return;
        }
        try {
            pool.execute(() -> {
                boolean ok = false;
                String result;
                try {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(n.body()))).build();
                    int code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    ok = code >= 200 && code < 300;
                    result = "HTTP " + code;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result = "interrupted";
                } catch (Exception e) {
                    result = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().replace(url, host(url)));
                }
                LOG.infof("notification %d (%s) of Run %s/%s to %s: %s", n.index(), n.event(),
                        run.getMetadata().getNamespace(), run.getMetadata().getName(), host(url), result);
                done(key, uid, n, ok, result, wake);
            });
        } catch (RejectedExecutionException e) {
            done(key, uid, n, false, "not sent: too many notifications waiting", wake);
        }
    }

    private void done(String key, String uid, NotificationToSend n, boolean ok, String result, Runnable wake) {
        results.computeIfAbsent(uid, u -> new ConcurrentLinkedQueue<>())
                .add(new NotificationResult(n.index(), n.event(), ok, result, clock.instant()));
        inFlight.remove(key);
        wake.run();
    }

    /** scheme://host[:port] of a URL: what may be logged of it. */
    static String host(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (RuntimeException e) {
            return "(unparsable URL)";
        }
    }
}
