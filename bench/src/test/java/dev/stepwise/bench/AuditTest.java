package dev.stepwise.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit log as the oracle reads it: which Job creates count, and where a wait on the log can stop. */
class AuditTest {
    private static final String OPERATOR = Env.OPERATOR_USER;

    private static String line(String user, String verb, String resource, String subresource, String ns, String name, int code) {
        return "{\"kind\":\"Event\",\"stage\":\"ResponseComplete\",\"verb\":\"" + verb + "\",\"user\":{\"username\":\"" + user + "\"},"
                + "\"objectRef\":{\"resource\":\"" + resource + "\",\"subresource\":\"" + subresource + "\",\"namespace\":\"" + ns
                + "\",\"name\":\"" + name + "\"},\"responseStatus\":{\"code\":" + code + "},"
                + "\"requestReceivedTimestamp\":\"2026-12-03T10:00:00.000000Z\",\"userAgent\":\"stepwise\"}\n";
    }

    @Test
    void onlyTheOperatorsAnsweredCreatesOfJobsInTheNamespaceCount(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("audit.log");
        Files.writeString(log, line(OPERATOR, "create", "jobs", "", "chaos", "before-the-mark", 201));
        long mark = Audit.mark(log);
        Files.writeString(log, line(OPERATOR, "create", "jobs", "", "chaos", "r1-a-1", 201)
                + line(OPERATOR, "create", "jobs", "", "chaos", "r1-a-1", 201)
                + line(OPERATOR, "create", "jobs", "", "chaos", "r1-b-1", 201)
                + line(OPERATOR, "create", "jobs", "", "chaos", "r1-b-1", 409) // refused: not created
                + line(OPERATOR, "create", "jobs", "", "elsewhere", "r1-c-1", 201)
                + line(OPERATOR, "create", "jobs", "status", "chaos", "r1-d-1", 201)
                + line(OPERATOR, "create", "pods", "", "chaos", "r1-e-1", 201)
                + line("admin", "create", "jobs", "", "chaos", "r1-f-1", 201)
                + line(OPERATOR, "update", "jobs", "", "chaos", "r1-g-1", 200)
                + "{\"kind\":\"Event\",\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"user\":{\"username\":\"" + OPERATOR, // cut by rotation
                StandardOpenOption.APPEND);

        assertThat(Audit.creates(log, mark, OPERATOR, "jobs", "chaos")).isEqualTo(Map.of("r1-a-1", 2, "r1-b-1", 1));
    }

    @Test
    void aWaitOnTheLogLooksOnlyPastItsMarkUnlessTheLogWasRotated(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("audit.log");
        Files.writeString(log, line("admin", "get", "configmaps", "", "chaos", "audit-caught-up-1", 404));
        long mark = Audit.mark(log);

        assertThat(Audit.contains(log, mark, "\"audit-caught-up-1\"")).isFalse();
        Files.writeString(log, line("admin", "get", "configmaps", "", "chaos", "audit-caught-up-2", 404), StandardOpenOption.APPEND);
        assertThat(Audit.contains(log, mark, "\"audit-caught-up-2\"")).isTrue();
        Files.writeString(log, "{\"name\":\"audit-caught-up-3\"}\n"); // rotated: a new file, shorter than the mark
        assertThat(Audit.contains(log, mark, "\"audit-caught-up-3\"")).as("read from the new file's start").isTrue();
    }

    @Test
    void requestsAreCountedByVerbAndResourceWithErrorsByCode(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("audit.log");
        Files.writeString(log, line(OPERATOR, "create", "jobs", "", "chaos", "a", 201) + line(OPERATOR, "patch", "runs", "status", "chaos", "r", 200)
                + line(OPERATOR, "patch", "runs", "status", "chaos", "r", 409) + line("admin", "get", "runs", "", "chaos", "r", 200));

        Audit a = Audit.read(log, 0, OPERATOR, 0, Long.MAX_VALUE);

        assertThat(a.byVerbResource).isEqualTo(Map.of("create jobs", 1L, "patch runs/status", 2L));
        assertThat(a.errorsByCode).isEqualTo(Map.of("patch runs/status 409", 1L));
        assertThat(a.total).isEqualTo(3);
        assertThat(a.writes).isEqualTo(3);
    }
}
