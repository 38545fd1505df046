package dev.stepwise.kube.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.run.NotificationResult;
import dev.stepwise.core.run.NotificationToSend;
import dev.stepwise.kube.SecretValues;
import dev.stepwise.kube.notify.AddressPolicy.Refused;
import dev.stepwise.kube.notify.AddressPolicy.Target;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends notifications off the reconcile threads: a POST of the JSON body to the URL kept in a
 * Secret, where {@link AddressPolicy} allows it. The host is resolved once and the connection goes
 * to the address that was checked (TLS still verifies the host name, sent as SNI and Host). No
 * redirect is followed; the whole exchange (lookup, connect, TLS, request, answer) ends within
 * {@link Settings#deadline()}, and at most {@link Settings#maxResponseBytes()} of the answer are
 * read before the connection is closed. Namespaces take turns ({@link FairQueue}): one send at a
 * time per namespace, a few waiting per namespace (a new one pushes out the oldest, which is told
 * "not sent: too many waiting" and retried later with backoff), so a slow receiver of one tenant
 * delays only that tenant. What each got is kept, coarse ({@code HTTP 503}, {@code connect failed},
 * {@code refused: private address}; never the remote's words), for the Run's next look, which
 * {@code wake} asks for. URLs are logged by origin only: they often carry a token.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Notifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOO_MANY_WAITING = "not sent: too many waiting";

    /**
     * @param deadline            the whole exchange: lookup, connect, TLS, request, status line and body
     * @param maxResponseBytes    of the answer's body read before the connection is closed
     * @param maxInFlight         exchanges at a time, all namespaces together (one per namespace)
     * @param waitingPerNamespace sends of one namespace waiting for its turn
     */
    public record Settings(Duration deadline, int maxResponseBytes, int maxInFlight, int waitingPerNamespace) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), 4096, 16, 20);
    }

    /** Host name to addresses: the system's resolver, or a table in tests. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    static final Resolver SYSTEM_RESOLVER = host -> List.of(InetAddress.getAllByName(host));

    private final Vertx vertx;
    /** Every exchange runs on this one event-loop context, so a send's state needs no locks. */
    private final Context context;
    private final HttpClient http;
    private final Clock clock;
    private final AddressPolicy policy;
    private final Settings settings;
    private final Resolver resolver;
    /** Lookups block; at most one per exchange in flight, so this never queues. */
    private final ThreadPoolExecutor lookups;
    private final FairQueue<Send> queue;
    private final Map<String, Queue<NotificationResult>> results = new ConcurrentHashMap<>();
    /** uid/index/event of every send waiting or in flight. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public Notifier(Vertx vertx, Clock clock, AddressPolicy policy) {
        this(vertx, clock, policy, Settings.DEFAULTS, SYSTEM_RESOLVER, null);
    }

    /** @param trust the CAs to trust, null for the JVM's */
    Notifier(Vertx vertx, Clock clock, AddressPolicy policy, Settings settings, Resolver resolver, TrustOptions trust) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.clock = clock;
        this.policy = policy;
        this.settings = settings;
        this.resolver = resolver;
        int deadline = (int) Math.min(Integer.MAX_VALUE, settings.deadline().toMillis());
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(false)
                .setConnectTimeout(deadline)
                .setSslHandshakeTimeout(deadline)
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setVerifyHost(true)
                .setTrustAll(false)
                .setMaxInitialLineLength(1024)
                .setMaxHeaderSize(8192);
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(settings.maxInFlight()));
        this.lookups = new ThreadPoolExecutor(settings.maxInFlight(), settings.maxInFlight(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "stepwise-notifier-lookup");
                    t.setDaemon(true);
                    return t;
                });
        this.lookups.allowCoreThreadTimeOut(true);
        this.queue = new FairQueue<>(1, settings.maxInFlight(), settings.waitingPerNamespace());
    }

    /** What the sends for this Run got since the last call. */
    public List<NotificationResult> drain(String runUid) {
        Queue<NotificationResult> q = results.remove(runUid);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    /** Sends a notification of a Run to the URL in its Secret (read now, on the caller's thread). */
    public void send(KubernetesClient client, Run run, NotificationToSend n, Runnable wake) {
        String ns = run.getMetadata().getNamespace();
        String uid = run.getMetadata().getUid();
        if (inFlight.contains(key(uid, n))) {
            return; // the answer of the last send is still to come
        }
        String url = SecretValues.read(client, ns, n.urlSecretRef());
        if (url == null) {
            Send s = new Send(ns, uid, run.getMetadata().getName(), n, null, null, wake);
            if (inFlight.add(s.key)) {
                s.record("no URL: Secret " + n.urlSecretRef().getName() + " has no key " + n.urlSecretRef().getKey(), false);
            }
            return;
        }
        send(ns, uid, run.getMetadata().getName(), n, url, wake);
    }

    /** Sends a notification to {@code url}, unless one for the same Run, index and event is waiting or in flight. */
    void send(String ns, String uid, String runName, NotificationToSend n, String url, Runnable wake) {
        Buffer body;
        try {
            body = Buffer.buffer(JSON.writeValueAsBytes(n.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a notification body is plain JSON", e);
        }
        if (!inFlight.add(key(uid, n))) {
            return;
        }
        Target target;
        try {
            target = policy.target(url);
        } catch (Refused r) {
            new Send(ns, uid, runName, n, null, null, wake).record(r.result(), false);
            return;
        }
        FairQueue.Changes<Send> changes = queue.offer(ns, new Send(ns, uid, runName, n, target, body, wake));
        changes.dropped().forEach(s -> s.record(TOO_MANY_WAITING, false));
        changes.start().forEach(Send::start);
    }

    /** Forgets a Run (deleted): what its sends got, and its sends still waiting. */
    public void forget(String runUid) {
        String prefix = runUid + "/";
        queue.remove(s -> s.uid.equals(runUid));
        inFlight.removeIf(k -> k.startsWith(prefix)); // a send still in flight then records nothing
        results.remove(runUid);
    }

    /** Forgets every Run but these (the Runs that exist). */
    public void retainOnly(Set<String> runUids) {
        Set<String> known = new HashSet<>(results.keySet());
        inFlight.forEach(k -> known.add(k.substring(0, k.indexOf('/'))));
        known.removeAll(runUids);
        known.forEach(this::forget);
    }

    @Override
    public void close() {
        http.close();
        lookups.shutdownNow();
    }

    private static String key(String uid, NotificationToSend n) {
        return uid + "/" + n.index() + "/" + n.event();
    }

    /** The coarse name of what went wrong: never an exception's class or text, never the remote's words. */
    static String failure(Throwable e) {
        if (causedBy(e, SSLException.class) || causedBy(e, NotSslRecordException.class)) {
            return "TLS failed";
        }
        if (causedBy(e, ConnectTimeoutException.class) || causedBy(e, TimeoutException.class)
                || causedBy(e, SocketTimeoutException.class)) {
            return "timed out";
        }
        if (causedBy(e, ConnectException.class) || causedBy(e, NoRouteToHostException.class)) {
            return "connect failed";
        }
        if (causedBy(e, UnknownHostException.class)) {
            return "unknown host";
        }
        if (causedBy(e, HttpClosedException.class) || causedBy(e, IOException.class)) {
            return "connection closed";
        }
        return "failed";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (int depth = 0; e != null && depth < 10; e = e.getCause(), depth++) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    /** One notification on its way. Its exchange runs on {@link #context} only. */
    private final class Send {
        final String ns;
        final String uid;
        final String runName;
        final NotificationToSend n;
        final String key;
        final Target target;
        final Buffer body;
        final Runnable wake;
        /** The slot is free once the answer is recorded and no lookup of this send still blocks a thread. */
        final AtomicInteger holds = new AtomicInteger(2);
        long timer = -1;
        HttpClientRequest request;
        int status;
        long bodyBytes;
        boolean ended;
        boolean finished;

        Send(String ns, String uid, String runName, NotificationToSend n, Target target, Buffer body, Runnable wake) {
            this.ns = ns;
            this.uid = uid;
            this.runName = runName;
            this.n = n;
            this.key = key(uid, n);
            this.target = target;
            this.body = body;
            this.wake = wake;
        }

        void start() {
            context.runOnContext(v -> {
                long startedAt = System.nanoTime();
                timer = vertx.setTimer(settings.deadline().toMillis(), id -> finish(status > 0 ? answer() : "timed out"));
                if (target.literal() != null) {
                    release(); // no lookup
                    connect(List.of(target.literal()), startedAt);
                    return;
                }
                lookups.execute(() -> {
                    List<InetAddress> addresses;
                    try {
                        addresses = resolver.resolve(target.host());
                    } catch (UnknownHostException | RuntimeException e) {
                        addresses = List.of();
                    } finally {
                        release();
                    }
                    List<InetAddress> found = addresses;
                    context.runOnContext(x -> connect(found, startedAt));
                });
            });
        }

        private void connect(List<InetAddress> addresses, long startedAt) {
            if (finished) {
                return;
            }
            if (addresses.isEmpty()) {
                finish("unknown host");
                return;
            }
            InetAddress address;
            try {
                address = policy.choose(target, addresses);
            } catch (Refused r) {
                finish(r.result());
                return;
            }
            long left = settings.deadline().toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    // the checked address, never a second lookup; host and port for Host, SNI and the certificate check
                    .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                    .setHost(target.host())
                    .setPort(target.port())
                    .setSsl(target.https())
                    .setURI(target.requestUri())
                    .setFollowRedirects(false)
                    .setConnectTimeout(Math.max(1, left))
                    .putHeader("Content-Type", "application/json");
            http.request(options).onComplete(made -> {
                if (made.failed()) {
                    finish(failure(made.cause()));
                    return;
                }
                request = made.result();
                if (finished) {
                    request.connection().close(); // the deadline passed while connecting
                    return;
                }
                request.send(body).onComplete(answered -> {
                    if (answered.failed()) {
                        finish(failure(answered.cause()));
                        return;
                    }
                    read(answered.result());
                });
            });
        }

        /** Reads the answer's body up to the limit, then ends the exchange. */
        private void read(HttpClientResponse response) {
            status = response.statusCode();
            response.handler(chunk -> {
                bodyBytes += chunk.length();
                if (bodyBytes >= settings.maxResponseBytes()) {
                    finish(answer());
                }
            });
            response.exceptionHandler(e -> finish(answer()));
            response.endHandler(v -> {
                ended = true;
                finish(answer());
            });
        }

        private String answer() {
            return "HTTP " + status;
        }

        private void finish(String result) {
            if (finished) {
                return;
            }
            finished = true;
            vertx.cancelTimer(timer);
            if (request != null && !ended) {
                request.connection().close();
            }
            record(result, result.equals(answer()) && status >= 200 && status < 300);
            release();
        }

        /** Keeps the result for the Run's next look (unless the Run was forgotten meanwhile) and wakes it. */
        void record(String result, boolean ok) {
            LOG.infof("notification %d (%s) of Run %s/%s to %s: %s", n.index(), n.event(), ns, runName,
                    target == null ? "(no receiver)" : target.origin(), result);
            if (!inFlight.remove(key)) {
                return;
            }
            results.computeIfAbsent(uid, u -> new ConcurrentLinkedQueue<>())
                    .add(new NotificationResult(n.index(), n.event(), ok, result, clock.instant()));
            wake.run();
        }

        private void release() {
            if (holds.decrementAndGet() == 0) {
                queue.finished(ns).forEach(Send::start);
            }
        }
    }
}
