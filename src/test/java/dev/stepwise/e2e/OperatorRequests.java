package dev.stepwise.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the in-cluster operator asked of the API server, from the audit log dev/cluster writes
 * (every request of the stepwise-system service accounts), as "verb group/resource[/subresource]",
 * next to what its RBAC grants (operator/rbac/*.yaml, the one list of its permissions).
 */
final class OperatorRequests {
    static final Path AUDIT_LOG = Path.of(".cluster/logs/audit.log");
    static final Path CLUSTER_ROLE = Path.of("operator/rbac/clusterrole.yaml");
    static final Path LEADER_ROLE = Path.of("operator/rbac/leader-election-role.yaml");
    /** Annotation of the ClusterRole listing the grants only rare paths use (comma-separated "verb resource"). */
    static final String RARELY_USED = "stepwise.dev/rarely-used";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Set<String> used = new TreeSet<>();
    final Set<String> denied = new TreeSet<>();

    private OperatorRequests() {
    }

    static long mark() {
        try {
            return Files.size(E2eCluster.projectDir().resolve(AUDIT_LOG));
        } catch (IOException e) {
            throw new UncheckedIOException("no audit log at " + AUDIT_LOG + " (dev/cluster writes it)", e);
        }
    }

    /** The requests user {@code username} sent, logged after {@code offset}. */
    static OperatorRequests since(long offset, String username) {
        OperatorRequests r = new OperatorRequests();
        Path log = E2eCluster.projectDir().resolve(AUDIT_LOG);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = f.length() < offset ? 0 : offset;
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (!line.contains(username)) {
                    continue;
                }
                JsonNode e;
                try {
                    e = JSON.readTree(line);
                } catch (IOException partial) {
                    continue;
                }
                JsonNode ref = e.path("objectRef");
                if (!username.equals(e.path("user").path("username").asText()) || ref.isMissingNode()) {
                    continue;
                }
                String group = ref.path("apiGroup").asText("");
                // self reviews (JOSDK checks its Lease access) are granted to every authenticated user
                if (group.equals("authorization.k8s.io")) {
                    continue;
                }
                String key = key(e.path("verb").asText(), group, ref.path("resource").asText(), ref.path("subresource").asText(""));
                r.used.add(key);
                if (e.path("responseStatus").path("code").asInt() == 403) {
                    r.denied.add(key);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return r;
    }

    static String key(String verb, String group, String resource, String subresource) {
        return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource + (subresource.isEmpty() ? "" : "/" + subresource);
    }

    /** Every "verb group/resource" the RBAC manifests grant. */
    static Set<String> granted() {
        Set<String> out = new TreeSet<>();
        for (Path f : new Path[] {CLUSTER_ROLE, LEADER_ROLE}) {
            for (JsonNode rule : read(f).path("rules")) {
                for (JsonNode g : rule.path("apiGroups")) {
                    for (JsonNode res : rule.path("resources")) {
                        for (JsonNode v : rule.path("verbs")) {
                            String[] parts = res.asText().split("/", 2);
                            out.add(key(v.asText(), g.asText(), parts[0], parts.length > 1 ? parts[1] : ""));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Grants the RBAC manifests name (annotation) as used only on rare paths, which one E2E run need not hit. */
    static Set<String> rarelyUsed() {
        Set<String> out = new TreeSet<>();
        for (Path f : new Path[] {CLUSTER_ROLE, LEADER_ROLE}) {
            String v = read(f).path("metadata").path("annotations").path(RARELY_USED).asText("");
            Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static JsonNode read(Path f) {
        try {
            return new YAMLMapper().readTree(E2eCluster.projectDir().resolve(f).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
