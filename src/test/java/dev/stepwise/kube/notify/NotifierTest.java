package dev.stepwise.kube.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.stepwise.core.run.NotificationResult;
import dev.stepwise.core.run.NotificationToSend;
import dev.stepwise.kube.notify.Notifier.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Notifier against receivers on 127.0.0.1 (allow-listed as an address, never as "localhost"),
 * with a 1.5 s deadline instead of 10 s so the slow cases are quick. Names such as notify.test
 * resolve through a table: the system could not resolve them, so a delivery to one proves the
 * connection went to the address that was checked.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotifierTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration DEADLINE = Duration.ofMillis(1500);
    /** Made once with: keytool -genkeypair -keyalg EC -groupname secp256r1 -validity 36500 -dname CN=notify.test -ext SAN=dns:notify.test -storetype PKCS12 -storepass changeit */
    private static final String KEYSTORE = "/notify/notify-test.p12";
    private static Vertx vertx;

    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Notifier> notifiers = new ArrayList<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stopServers() {
        notifiers.forEach(Notifier::close);
        servers.forEach(s -> s.stop(0));
        handlers.shutdownNow();
    }

    @Test
    void aReceiverThatAnswers2xxGetsTheJsonBodyAndIsDelivered() throws Exception {
        List<String> seen = new ArrayList<>();
        int port = server(exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Host")
                    + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            respond(exchange, 204);
        });
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        NotificationResult r = send(notifier, "data", "uid-1", "http://127.0.0.1:" + port + "/hooks/t0k3n?x=1");

        assertThat(r).isEqualTo(new NotificationResult(0, "Failed", true, "HTTP 204", NOW));
        assertThat(seen).containsExactly("POST /hooks/t0k3n?x=1 127.0.0.1:" + port + " application/json {\"event\":\"Failed\",\"run\":\"etl-1\"}");
    }

    @Test
    void anErrorStatusIsRecordedAsItsNumberOnly() throws Exception {
        int port = server(exchange -> {
            byte[] words = "upstream db01.internal:5432 refused: password authentication failed".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, words.length);
            exchange.getResponseBody().write(words);
            exchange.close();
        });
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        assertThat(send(notifier, "data", "uid-1", "http://127.0.0.1:" + port + "/").result()).isEqualTo("HTTP 503");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        AtomicInteger elsewhere = new AtomicInteger();
        HttpServer s = httpServer();
        int port = s.getAddress().getPort();
        s.createContext("/hook", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/elsewhere");
            respond(exchange, 302);
        });
        s.createContext("/elsewhere", exchange -> {
            elsewhere.incrementAndGet();
            respond(exchange, 200);
        });
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        NotificationResult r = send(notifier, "data", "uid-1", "http://127.0.0.1:" + port + "/hook");

        assertThat(r.ok()).isFalse();
        assertThat(r.result()).isEqualTo("HTTP 302");
        assertThat(elsewhere.get()).isZero();
    }

    @Test
    void aLoopbackReceiverIsRefusedWithoutAConnectionUnlessAllowListed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = listener.getLocalPort();
            lookups.put("rebind.test", new AtomicInteger());
            Notifier notifier = notifier(AddressPolicy.strict(), settings(DEADLINE));

            assertThat(send(notifier, "data", "uid-1", "https://127.0.0.1:" + port + "/").result()).isEqualTo("refused: loopback address");
            assertThat(send(notifier, "data", "uid-2", "https://0x7f.1:" + port + "/").result()).isEqualTo("refused: loopback address");
            assertThat(send(notifier, "data", "uid-3", "https://good@2130706433:" + port + "/").result()).isEqualTo("refused: loopback address");
            assertThat(send(notifier, "data", "uid-4", "https://[::ffff:127.0.0.1]:" + port + "/").result()).isEqualTo("refused: loopback address");
            assertThat(send(notifier, "data", "uid-5", "https://rebind.test:" + port + "/").result()).isEqualTo("refused: loopback address");
            assertThat(send(notifier, "data", "uid-6", "http://127.0.0.1:" + port + "/").result()).isEqualTo("refused: http not allowed");
            assertThat(send(notifier, "data", "uid-7", "https://169.254.169.254/latest/meta-data/").result()).isEqualTo("refused: link-local address");
            assertThat(send(notifier, "data", "uid-8", "gopher://127.0.0.1:" + port + "/").result()).isEqualTo("refused: not an https URL");
            assertThat(lookups.get("rebind.test").get()).as("one lookup, nothing else").isEqualTo(1);

            listener.setSoTimeout(300);
            assertThatThrownBy(listener::accept).as("no connection was made").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void theConnectionGoesToTheCheckedAddressAndTlsChecksTheUrlsHost() throws Exception {
        List<String> hosts = new ArrayList<>();
        int port = httpsServer(exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            respond(exchange, 200);
        });
        lookups.put("notify.test", new AtomicInteger());
        lookups.put("other.test", new AtomicInteger());
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        // notify.test resolves only through the table: had the client looked it up again, it would have failed
        assertThat(send(notifier, "data", "uid-1", "https://notify.test:" + port + "/hook").result()).isEqualTo("HTTP 200");
        assertThat(lookups.get("notify.test").get()).isEqualTo(1);
        assertThat(hosts).containsExactly("notify.test:" + port);
        // the certificate is notify.test's: the same address under another name fails its check
        assertThat(send(notifier, "data", "uid-2", "https://other.test:" + port + "/hook").result()).isEqualTo("TLS failed");
        // https to a server that answers in plain http
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            handlers.execute(() -> {
                try (var socket = plain.accept()) {
                    socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test ends
                }
            });
            assertThat(send(notifier, "data", "uid-3", "https://127.0.0.1:" + plain.getLocalPort() + "/").result()).isEqualTo("TLS failed");
        }
        assertThat(hosts).hasSize(1);
    }

    @Test
    void failuresAreCoarse() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        int hangsUp = server(HttpExchange::close);
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        assertThat(send(notifier, "data", "uid-1", "http://127.0.0.1:" + closed + "/").result()).isEqualTo("connect failed");
        assertThat(send(notifier, "data", "uid-2", "http://127.0.0.1:" + hangsUp + "/").result()).isEqualTo("connection closed");
        assertThat(send(notifier, "data", "uid-3", "https://nowhere.test/").result()).isEqualTo("unknown host");
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        int port = server(exchange -> hold(never));
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        Timed r = timed(notifier, "data", "uid-1", "http://127.0.0.1:" + port + "/");

        assertThat(r.result().result()).isEqualTo("timed out");
        assertThat(r.ms()).isBetween(1400L, 2500L);
        never.countDown();
    }

    @Test
    void aBodyThatTricklesEndsTheExchangeAtTheDeadline() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        int port = server(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 300; i++) { // a byte every 100 ms: 30 s, far past the deadline
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                clientLeft.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(DEADLINE));

        Timed r = timed(notifier, "data", "uid-1", "http://127.0.0.1:" + port + "/");

        // the receiver answered 200: that is the result; the body is not waited for past the deadline
        assertThat(r.result().result()).isEqualTo("HTTP 200");
        assertThat(r.ms()).isBetween(1400L, 2500L);
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("the connection was closed").isTrue();
    }

    @Test
    void aHugeBodyIsReadOnlyUpToTheLimitThenTheConnectionIsClosed() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        AtomicLong written = new AtomicLong();
        int port = server(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[8192];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long i = 0; i < 1_000_000; i++) { // 8 GB: never read to its end
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                clientLeft.countDown();
            }
        });
        Notifier notifier = notifier(allowing("127.0.0.1"), settings(Duration.ofSeconds(8)));

        Timed r = timed(notifier, "data", "uid-1", "http://127.0.0.1:" + port + "/");

        assertThat(r.result().result()).isEqualTo("HTTP 200");
        assertThat(r.ms()).as("ended at the limit, long before the deadline").isLessThan(4000L);
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("the connection was closed").isTrue();
        assertThat(written.get()).as("what socket buffers took, not the body").isLessThan(64L * 1024 * 1024);
    }

    @Test
    void aHangingNamespaceDelaysOnlyItself() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowCalls = new AtomicInteger();
        HttpServer s = httpServer();
        s.createContext("/slow", exchange -> {
            slowCalls.incrementAndGet();
            hold(release);
            respond(exchange, 200);
        });
        s.createContext("/fast", exchange -> respond(exchange, 200));
        String base = "http://127.0.0.1:" + s.getAddress().getPort();
        Notifier notifier = notifier(allowing("127.0.0.1"), new Settings(Duration.ofSeconds(20), 4096, 4, 2));
        List<String> woken = new CopyOnWriteArrayList<>();

        for (int i = 1; i <= 4; i++) {
            String uid = "slow-" + i;
            notifier.send("slow", uid, "etl-" + i, notification(), base + "/slow", () -> woken.add(uid));
        }
        // one of slow's sends is in flight, two wait; the fourth pushed out the oldest waiting one
        assertThat(woken).containsExactly("slow-2");
        assertThat(notifier.drain("slow-2")).extracting(NotificationResult::result).containsExactly("not sent: too many waiting");

        Timed fast = timed(notifier, "fast", "fast-1", base + "/fast");
        assertThat(fast.result().result()).isEqualTo("HTTP 200");
        assertThat(fast.ms()).as("not behind slow's queue").isLessThan(1000L);
        assertThat(slowCalls.get()).isEqualTo(1);
        assertThat(notifier.drain("slow-1")).isEmpty();

        release.countDown();
        for (String uid : List.of("slow-1", "slow-3", "slow-4")) {
            assertThat(result(notifier, uid).result()).isEqualTo("HTTP 200");
        }
        assertThat(slowCalls.get()).isEqualTo(3);
    }

    @Test
    void aForgottenRunsSendsRecordNothingAndItsWaitingSendsNeverGo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        int port = server(exchange -> {
            calls.incrementAndGet();
            hold(release);
            respond(exchange, 200);
        });
        String url = "http://127.0.0.1:" + port + "/";
        Notifier notifier = notifier(allowing("127.0.0.1"), new Settings(Duration.ofSeconds(20), 4096, 4, 20));
        AtomicInteger wakes = new AtomicInteger();
        notifier.send("data", "gone", "etl-1", new NotificationToSend(0, "Failed", null, Map.of()), url, wakes::incrementAndGet);
        notifier.send("data", "gone", "etl-1", new NotificationToSend(1, "Failed", null, Map.of()), url, wakes::incrementAndGet);
        notifier.send("data", "kept", "etl-2", notification(), url, wakes::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);

        notifier.retainOnly(Set.of("kept"));
        release.countDown();

        assertThat(result(notifier, "kept").result()).isEqualTo("HTTP 200");
        assertThat(calls.get()).as("gone's second send never went").isEqualTo(2);
        assertThat(notifier.drain("gone")).isEmpty();
        assertThat(wakes.get()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private Notifier notifier(AddressPolicy policy, Settings settings) throws Exception {
        Notifier.Resolver table = host -> {
            AtomicInteger n = lookups.get(host);
            if (n == null) {
                throw new UnknownHostException(host);
            }
            n.incrementAndGet();
            return List.of(InetAddress.getByName("127.0.0.1"));
        };
        Notifier n = new Notifier(vertx, Clock.fixed(NOW, ZoneOffset.UTC), policy, settings, table, trust());
        notifiers.add(n);
        return n;
    }

    private static AddressPolicy allowing(String... hosts) {
        return AddressPolicy.of(List.of(hosts), List.of());
    }

    private static Settings settings(Duration deadline) {
        return new Settings(deadline, 4096, 4, 20);
    }

    private static NotificationToSend notification() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "Failed");
        body.put("run", "etl-1");
        return new NotificationToSend(0, "Failed", null, body);
    }

    /** Sends and waits for the one result. */
    private static NotificationResult send(Notifier notifier, String ns, String uid, String url) {
        notifier.send(ns, uid, "etl-1", notification(), url, () -> { });
        return result(notifier, uid);
    }

    private record Timed(NotificationResult result, long ms) {
    }

    /** Sends and waits for the one result, timing the wait. */
    private static Timed timed(Notifier notifier, String ns, String uid, String url) {
        long t0 = System.nanoTime();
        NotificationResult r = send(notifier, ns, uid, url);
        return new Timed(r, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static NotificationResult result(Notifier notifier, String uid) {
        List<NotificationResult> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() -> {
            got.addAll(notifier.drain(uid));
            return !got.isEmpty();
        });
        assertThat(got).hasSize(1);
        return got.get(0);
    }

    private HttpServer httpServer() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        s.setExecutor(handlers);
        s.start();
        servers.add(s);
        return s;
    }

    private int server(HttpHandler handler) throws IOException {
        HttpServer s = httpServer();
        s.createContext("/", handler);
        return s.getAddress().getPort();
    }

    private int httpsServer(HttpHandler handler) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore(), "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        s.setExecutor(handlers);
        s.createContext("/", handler);
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    private static KeyStore keyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = NotifierTest.class.getResourceAsStream(KEYSTORE)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    /** The test certificate as the only CA the client trusts. */
    private static TrustOptions trust() throws Exception {
        byte[] der = keyStore().getCertificate("notify").getEncoded();
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
        return new PemTrustOptions().addCertValue(Buffer.buffer(pem));
    }

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(25, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
