package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts one user's API requests from the API server's audit log (JSON lines, stage
 * ResponseComplete, one per request), by verb and resource[/subresource], in a time window.
 * The operator never counts its own calls here: the API server does.
 */
final class Audit {
    static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Long> byVerbResource = new TreeMap<>();
    final Map<String, Long> errorsByCode = new TreeMap<>();
    final Map<String, Long> userAgents = new TreeMap<>();
    long total;
    long writes;
    long linesRead;

    /** The current end of the audit log: read from here when the scenario ends. */
    static long mark(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Objects of {@code resource} that {@code user} created in {@code ns} (201 answers), by name: twice is one too many. */
    static Map<String, Integer> creates(Path log, long offset, String user, String resource, String ns) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            long[] pos = {0};
            lines.forEach(line -> {
                long at = pos[0];
                pos[0] += line.length() + 1L; // approximate for non-ASCII; only used to skip what came before
                if (at < offset || !line.contains("\"create\"") || !line.contains(user)) {
                    return;
                }
                try {
                    JsonNode e = JSON.readTree(line);
                    JsonNode ref = e.path("objectRef");
                    if ("ResponseComplete".equals(e.path("stage").asText()) && "create".equals(e.path("verb").asText())
                            && user.equals(e.path("user").path("username").asText()) && resource.equals(ref.path("resource").asText())
                            && ref.path("subresource").asText().isEmpty() && ns.equals(ref.path("namespace").asText())
                            && e.path("responseStatus").path("code").asInt() == 201) {
                        out.merge(ref.path("name").asText(), 1, Integer::sum);
                    }
                } catch (IOException partial) {
                    // a line cut by rotation
                }
            });
        }
        return out;
    }

    /** Whether a line logged after {@code offset} contains {@code text}. */
    static boolean contains(Path log, long offset, String text) throws IOException {
        return since(log, offset).contains(text);
    }

    /** What was logged after {@code offset}, or the whole log if it was rotated since. */
    private static String since(Path log, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            if (f.length() < offset) {
                offset = 0; // rotated
            }
            f.seek(offset);
            byte[] rest = new byte[(int) Math.min(Integer.MAX_VALUE - 8, f.length() - offset)];
            f.readFully(rest);
            return new String(rest, StandardCharsets.UTF_8);
        }
    }

    /** Requests {@code user} sent between {@code fromMs} and {@code toMs} (request received time), logged after {@code offset}. */
    static Audit read(Path log, long offset, String user, long fromMs, long toMs) throws IOException {
        Audit a = new Audit();
        for (String line : since(log, offset).split("\n")) {
            if (line.isBlank() || !line.contains(user)) {
                continue;
            }
            a.linesRead++;
            JsonNode e;
            try {
                e = JSON.readTree(line);
            } catch (IOException partial) {
                continue;
            }
            if (!"ResponseComplete".equals(e.path("stage").asText()) || !user.equals(e.path("user").path("username").asText())) {
                continue;
            }
            long at = Instant.parse(e.path("requestReceivedTimestamp").asText()).toEpochMilli();
            if (at < fromMs || at > toMs) {
                continue;
            }
            String verb = e.path("verb").asText();
            JsonNode ref = e.path("objectRef");
            String what;
            if (ref.isMissingNode() || ref.path("resource").asText().isEmpty()) {
                what = e.path("requestURI").asText().replaceAll("\\?.*", "");
            } else {
                what = ref.path("resource").asText();
                if (!ref.path("subresource").asText().isEmpty()) {
                    what += "/" + ref.path("subresource").asText();
                }
            }
            a.byVerbResource.merge(verb + " " + what, 1L, Long::sum);
            a.total++;
            if (WRITES.contains(verb)) {
                a.writes++;
            }
            int code = e.path("responseStatus").path("code").asInt();
            if (code >= 400) {
                a.errorsByCode.merge(verb + " " + what + " " + code, 1L, Long::sum);
            }
            a.userAgents.merge(e.path("userAgent").asText(), 1L, Long::sum);
        }
        return a;
    }
}
