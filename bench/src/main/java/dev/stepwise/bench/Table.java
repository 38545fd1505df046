package dev.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** The one table: a row per engine run, read back from the JSON files so every figure printed is one that was written. */
final class Table {
    private static final String[] HEAD = {"KCM qps/burst/syncs", "scenario", "engine", "steps", "wall s", "steps/min",
        "vs baseline Runs/Jobs", "hand-off ms p50/p90/p99/max", "pod->Job p50/p99", "RSS MiB", "CPU s", "req/step",
        "writes/attempt", "max Run KiB", "ok"};

    private Table() {
    }

    static String render(List<JsonNode> docs) {
        List<String[]> rows = new ArrayList<>();
        String threads = null;
        for (JsonNode doc : docs) {
            JsonNode k = doc.path("cluster").path("kubeControllerManager");
            String kcm = k.path("kubeApiQps").asText() + "/" + k.path("kubeApiBurst").asText() + "/" + k.path("concurrentJobSyncs").asText();
            threads = doc.path("operator").path("reconcileThreads").asText() + " reconcile threads, client qps/burst "
                    + doc.path("operator").path("clientQps").asText() + "/" + doc.path("operator").path("clientBurst").asText();
            for (JsonNode r : doc.path("results")) {
                boolean sw = "stepwise".equals(r.path("engine").asText());
                JsonNode h = r.path("handoffMs");
                JsonNode hp = r.path("handoffFromPodMs");
                rows.add(new String[] {
                    kcm,
                    doc.path("scenario").asText() + " (" + doc.path("params").path("runs").asText() + "x"
                            + doc.path("params").path("stepsPerRun").asText() + ")"
                            + (doc.path("operatorJvmArgs").asText("").isEmpty() ? "" : " " + doc.path("operatorJvmArgs").asText())
                            + (sw && doc.path("operatorJvmShipped").asText("").isEmpty() ? " (bare JVM)" : "")
                            + (r.has("warmUp") ? " (warmed up)" : ""),
                    r.path("engine").asText(),
                    r.path("steps").asText("-"),
                    num(r.path("wallSeconds"), 1),
                    num(r.path("stepsPerMinute"), 0),
                    r.has("vsBaseline") ? vs(r) : "-",
                    h.path("n").asInt() == 0 ? "-" : h.path("p50").asText() + "/" + h.path("p90").asText() + "/"
                            + h.path("p99").asText() + "/" + h.path("max").asText(),
                    hp.path("n").asInt() == 0 ? "-" : hp.path("p50").asText() + "/" + hp.path("p99").asText(),
                    sw ? num(r.path("operator").path("peakRssMiB"), 0) : "-",
                    sw ? num(r.path("operator").path("cpuSeconds"), 1) : "-",
                    sw ? num(r.path("api").path("perStep"), 2) : "-",
                    sw ? num(r.path("api").path("writesPerAttempt"), 2) : "-",
                    sw ? num(r.path("runObject").path("maxBytes").asDouble() / 1024.0, 1) : "-",
                    r.path("completed").asBoolean(false) ? "yes" : "NO",
                });
            }
        }
        int[] w = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) {
            w[i] = HEAD[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("\n");
        line(sb, HEAD, w);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        }
        sb.append(rule).append('\n');
        rows.forEach(r -> line(sb, r, w));
        sb.append('\n');
        if (threads != null) {
            sb.append("operator: ").append(threads).append("; the JSON files hold every figure, the settings and the API calls by verb and resource.\n");
        }
        sb.append("hand-off: child Job seen created - last parent Job seen finished (harness watch). The operator acts on the pod's\n")
                .append("end, before the Job controller marks the Job Complete, so hand-offs can be small or negative (not clamped);\n")
                .append("pod->Job measures from the parent pod seen ended. req/step and writes/attempt: operator requests in the API\n")
                .append("server's audit log. vs baseline: Stepwise steps/min over the same shape run as bare Jobs by the harness, with Stepwise\n")
                .append("done when every Run finished / when the Job controller had also marked every Job Complete.\n");
        return sb.toString();
    }

    /** Stepwise's throughput as a share of the baseline's: until every Run finished / until every Job was Complete. */
    private static String vs(JsonNode r) {
        double base = r.path("vsBaseline").path("baselineWallSeconds").asDouble();
        double runs = r.path("wallSeconds").asDouble();
        double jobs = r.path("lastJobFinishedSeconds").asDouble(runs);
        return Math.round(base / Math.max(0.001, runs) * 100) + " %/" + Math.round(base / Math.max(0.001, jobs) * 100) + " %";
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            boolean right = i >= 3 && i != 7 && i != 8;
            sb.append(right ? pad(cells[i], w[i], true) : pad(cells[i], w[i], false));
        }
        sb.append('\n');
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }

    private static String num(JsonNode n, int decimals) {
        return n.isMissingNode() || n.isNull() ? "-" : num(n.asDouble(), decimals);
    }

    private static String num(double v, int decimals) {
        return String.format("%." + decimals + "f", v);
    }
}
