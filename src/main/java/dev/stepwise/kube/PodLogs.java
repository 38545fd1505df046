package dev.stepwise.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
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

    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stepwise-log-read");
        t.setDaemon(true);
        return t;
    });
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
            } catch (IOException | ExecutionException | TimeoutException e) {
                if (!(e instanceof NoAnswer)) {
                    failures++;
                }
                if (failures >= 2 || sent >= 3) {
                    LOG.debugf("no log for pod %s/%s: %s", namespace, pod, e.getMessage());
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private String read(String url, int keepBytes) throws IOException, ExecutionException, TimeoutException, InterruptedException {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(url).build();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        HttpResponse<InputStream> response;
        try {
            response = http.sendAsync(request, InputStream.class).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NoAnswer(e.getCause());
        }
        InputStream in = response.body();
        if (response.code() != 200) {
            // read the (short) error body to its end, so the connection can serve the next request
            try (in) {
                in.readNBytes(64 * 1024);
            }
            throw new IOException("HTTP " + response.code());
        }
        // read on another thread, so a stalled stream is cut off (closed) at the deadline
        var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return lastBytes(in, keepBytes * 2L, deadline);
            } catch (IOException | TimeoutException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, READERS);
        try {
            long left = Math.max(1, deadline - System.nanoTime());
            return new String(reading.get(left, TimeUnit.NANOSECONDS), StandardCharsets.UTF_8);
        } finally {
            close(in);
        }
    }

    private static void close(InputStream in) {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // nothing more to read from it either way
        }
    }

    /** The request got no answer at all: the connection failed or was closed under it. */
    static final class NoAnswer extends IOException {
        NoAnswer(Throwable cause) {
            super(cause);
        }
    }

    /** Reads up to {@link #MAX_TRANSFER} bytes, keeping only the last {@code keep} (a ring buffer). */
    static byte[] lastBytes(InputStream in, long keep, long deadlineNanos) throws IOException, TimeoutException {
        int size = (int) Math.max(1, Math.min(keep, MAX_TRANSFER));
        byte[] ring = new byte[size];
        long total = 0;
        byte[] chunk = new byte[8192];
        int n;
        while (total < MAX_TRANSFER && (n = in.read(chunk, 0, (int) Math.min(chunk.length, MAX_TRANSFER - total))) >= 0) {
            for (int i = 0; i < n; i++) {
                ring[(int) ((total + i) % size)] = chunk[i];
            }
            total += n;
            if (System.nanoTime() > deadlineNanos) {
                throw new TimeoutException("log read took longer than " + TIMEOUT);
            }
        }
        int len = (int) Math.min(total, size);
        byte[] out = new byte[len];
        long start = total - len;
        for (int i = 0; i < len; i++) {
            out[i] = ring[(int) ((start + i) % size)];
        }
        return out;
    }
}
