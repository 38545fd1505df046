package dev.stepwise.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the end of a step container's log when its attempt ends. Bounded in every way: the last
 * {@link #TAIL_LINES} lines are asked for, at most {@link #MAX_TRANSFER} bytes of them are read (one
 * multi-megabyte progress-bar line must not be held whole), only the last bytes are kept, and the
 * read gives up after {@link #TIMEOUT}. A failed read is tried once more.
 */
public final class PodLogs {
    private static final Logger LOG = Logger.getLogger(PodLogs.class);
    static final int TAIL_LINES = 200;
    static final int MAX_TRANSFER = 4 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final KubernetesClient client;

    public PodLogs(KubernetesClient client) {
        this.client = client;
    }

    /**
     * The last {@code keepBytes} bytes of the log (more when a line break is near), or null when it
     * cannot be read (pod gone, node without a kubelet).
     */
    public String tail(String namespace, String pod, int keepBytes) {
        if (pod == null) {
            return null;
        }
        // a plain GET of the log: PodResource.getLog() first waits for the pod to be ready, which
        // costs a LIST of pods and a short-lived informer per call
        String url = URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", pod, "log")
                + "?container=" + StepJobBuilder.CONTAINER + "&tailLines=" + TAIL_LINES;
        // a failed read is tried once more; a request the connection dropped before any answer (a pooled
        // connection the server closed) does not count as a try
        int failures = 0;
        for (int sent = 1; ; sent++) {
            try {
                return read(url, keepBytes);
            } catch (Refused e) {
                LOG.debugf("no log for pod %s/%s: %s", namespace, pod, e.getMessage());
                return null; // 404 (pod gone, no kubelet), 403, 400: asking again gets the same answer
            } catch (IOException | ExecutionException | TimeoutException e) {
                if (!(e instanceof NoAnswer)) {
                    failures++;
                }
                if (failures >= 2 || sent >= 3) {
                    // the attempt goes on without its tail: say so where an operator's admin looks
                    LOG.warnf("no log tail for pod %s/%s after %d tries: %s", namespace, pod, sent, e.getMessage());
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Per Kubernetes client, its HTTP client without Fabric8's own retries (made once: it has a connection pool). */
    private static final Map<KubernetesClient, HttpClient> WITHOUT_RETRIES = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The client's HTTP client with Fabric8's retries of 5xx answers and I/O errors turned off (10 of
     * them by default, from 100 ms doubling). A pod on a node whose kubelet cannot be reached answers
     * 500 ("no preferred addresses found"); retrying that until the timeout would hold the Run's
     * reconcile, and so its next step. {@link #tail} tries once more by itself.
     */
    static HttpClient withoutRetries(KubernetesClient client) {
        return WITHOUT_RETRIES.computeIfAbsent(client, c -> c.getHttpClient().newBuilder()
                .tag(new RequestConfigBuilder(c.getConfiguration().getRequestConfig()).withRequestRetryBackoffLimit(0).build())
                .build());
    }

    private String read(String url, int keepBytes) throws IOException, ExecutionException, TimeoutException, InterruptedException {
        HttpClient http = withoutRetries(client);
        HttpRequest request = http.newHttpRequestBuilder().uri(url).build();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        // streamed through Fabric8's own body consumer: each chunk goes into a ring buffer of the last
        // bytes; the read stops (cancels) after MAX_TRANSFER bytes
        Tail tail = new Tail(keepBytes * 2L);
        HttpResponse<AsyncBody> response;
        try {
            response = http.consumeBytes(request, (List<ByteBuffer> chunks, AsyncBody body) -> {
                for (ByteBuffer b : chunks) {
                    tail.add(b);
                }
                if (tail.total >= MAX_TRANSFER) {
                    body.cancel();
                } else {
                    body.consume();
                }
            }).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NoAnswer(e.getCause());
        }
        response.body().consume();
        try {
            response.body().done().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            response.body().cancel();
            throw e;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            if (tail.total < MAX_TRANSFER) {
                throw e instanceof ExecutionException ee ? ee : new ExecutionException(e);
            }
            // cut off at MAX_TRANSFER on purpose: what was read is the answer
        }
        if (response.code() >= 400 && response.code() < 500 && response.code() != 429 && response.code() != 408) {
            throw new Refused("HTTP " + response.code());
        }
        if (response.code() != 200) {
            throw new IOException("HTTP " + response.code());
        }
        return new String(tail.bytes(), StandardCharsets.UTF_8);
    }

    /** The last {@code keep} bytes of a stream (a ring buffer), and how many bytes went through. */
    static final class Tail {
        private final byte[] ring;
        long total;

        Tail(long keep) {
            ring = new byte[(int) Math.max(1, Math.min(keep, MAX_TRANSFER))];
        }

        synchronized void add(ByteBuffer b) {
            while (b.hasRemaining()) {
                ring[(int) (total % ring.length)] = b.get();
                total++;
            }
        }

        synchronized byte[] bytes() {
            int len = (int) Math.min(total, ring.length);
            byte[] out = new byte[len];
            long start = total - len;
            for (int i = 0; i < len; i++) {
                out[i] = ring[(int) ((start + i) % ring.length)];
            }
            return out;
        }
    }

    /** The request got no answer at all: the connection failed or was closed under it. */
    static final class NoAnswer extends IOException {
        NoAnswer(Throwable cause) {
            super(cause);
        }
    }

    /** The API server answered and said no for good (a 4xx other than 408 and 429). */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

}
