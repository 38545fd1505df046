package dev.stepwise.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.stepwise.testing.Tools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Argo CD health checks of gitops/argocd-cm.yaml, run by a real Lua 5.1 interpreter (Argo CD
 * runs them in gopher-lua, a Lua 5.1) on Run and Workflow objects recorded from a live cluster
 * (src/test/resources/recorded/, written by KstatusE2E).
 */
class ArgoCdHealthTest {
    static final Path SNIPPET = Path.of("gitops/argocd-cm.yaml");
    static final Path RECORDED = Path.of("src/test/resources/recorded");
    static final ObjectMapper JSON = new ObjectMapper();
    /** README "GitOps health": what Argo CD shows for each phase. */
    static final Map<String, String> RUN_HEALTH = Map.of(
            "Pending", "Progressing", "Queued", "Progressing", "Running", "Progressing", "Suspended", "Suspended",
            "Succeeded", "Healthy", "Failed", "Degraded", "Cancelled", "Degraded");

    record Health(String status, String message) {
    }

    static String script(String kind) throws IOException {
        JsonNode cm = new YAMLMapper().readTree(SNIPPET.toFile());
        return cm.path("data").path("resource.customizations.health.stepwise.dev_" + kind).asText();
    }

    static Health run(String script, JsonNode obj) throws IOException, InterruptedException {
        String program = "obj = " + LuaLiteral.of(obj) + "\n"
                + "local function check()\n" + script + "\nend\n"
                + "local hs = check()\n"
                + "io.write(hs.status, \"\\n\", hs.message or \"\")\n";
        Process p = new ProcessBuilder(Tools.lua().toString(), "-").redirectErrorStream(true).start();
        p.getOutputStream().write(program.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("lua exit code; output: %s", out).isZero();
        int nl = out.indexOf('\n');
        return new Health(out.substring(0, nl), out.substring(nl + 1));
    }

    static List<Path> recorded(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(RECORDED)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @Test
    void everyRecordedRunGetsTheHealthOfItsPhase() throws Exception {
        String script = script("Run");
        Set<String> phases = new TreeSet<>();
        for (Path f : recorded("run-")) {
            JsonNode run = JSON.readTree(f.toFile());
            String phase = run.path("status").path("phase").asText();
            phases.add(phase);
            Health h = run(script, run);
            assertThat(h.status()).as("%s (phase %s)", f.getFileName(), phase).isEqualTo(RUN_HEALTH.get(phase));
            String message = run.path("status").path("message").asText("");
            if (!message.isEmpty()) {
                assertThat(h.message()).as("%s: the Run's message", f.getFileName()).isEqualTo(message);
            }
        }
        // every phase the operator produces today (Queued and Suspended arrive with run control)
        assertThat(phases).contains("Pending", "Running", "Succeeded", "Failed", "Cancelled");
    }

    @Test
    void aRunTheOperatorHasNotSeenIsProgressing() throws Exception {
        JsonNode fresh = JSON.readTree("{\"apiVersion\":\"stepwise.dev/v1alpha1\",\"kind\":\"Run\","
                + "\"metadata\":{\"name\":\"r\",\"generation\":1},\"spec\":{\"workflowRef\":{\"name\":\"w\"}}}");
        assertThat(run(script("Run"), fresh).status()).isEqualTo("Progressing");
    }

    @Test
    void recordedWorkflowsAreHealthyWhenReadyAndDegradedWhenInvalid() throws Exception {
        String script = script("Workflow");
        Set<String> seen = new TreeSet<>();
        for (Path f : recorded("workflow-")) {
            JsonNode wf = JSON.readTree(f.toFile());
            String expected = condition(wf, "Stalled") ? "Degraded" : condition(wf, "Ready") ? "Healthy" : "Progressing";
            Health h = run(script, wf);
            assertThat(h.status()).as(f.getFileName().toString()).isEqualTo(expected);
            seen.add(h.status());
            if (expected.equals("Degraded")) {
                assertThat(h.message()).as("names the problems").isNotBlank();
            }
        }
        assertThat(seen).contains("Healthy", "Degraded");
    }

    static boolean condition(JsonNode obj, String type) {
        for (JsonNode c : obj.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    /** A JSON value as a Lua table constructor, the way Argo CD hands an object to a health script. */
    static final class LuaLiteral {
        private LuaLiteral() {
        }

        static String of(JsonNode n) {
            StringBuilder sb = new StringBuilder();
            write(n, sb);
            return sb.toString();
        }

        private static void write(JsonNode n, StringBuilder sb) {
            if (n.isObject()) {
                sb.append('{');
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (e.getValue().isNull()) {
                        continue;
                    }
                    sb.append('[');
                    string(e.getKey(), sb);
                    sb.append("]=");
                    write(e.getValue(), sb);
                    sb.append(',');
                }
                sb.append('}');
            } else if (n.isArray()) {
                sb.append('{');
                for (JsonNode v : n) {
                    write(v, sb);
                    sb.append(',');
                }
                sb.append('}');
            } else if (n.isTextual()) {
                string(n.asText(), sb);
            } else if (n.isNumber() || n.isBoolean()) {
                sb.append(n.asText());
            } else {
                sb.append("nil");
            }
        }

        private static void string(String s, StringBuilder sb) {
            sb.append('"');
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c == '"' || c == '\\') {
                    sb.append('\\').append((char) c);
                } else if (c < 32 || c >= 127) {
                    sb.append('\\').append(String.format("%03d", c));
                } else {
                    sb.append((char) c);
                }
            }
            sb.append('"');
        }
    }
}
