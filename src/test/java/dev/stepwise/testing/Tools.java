package dev.stepwise.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The packaging tools some tests run (dev/tools installs or builds them: Helm, the kstatus checker,
 * Lua 5.1). Found through STEPWISE_HELM / STEPWISE_KSTATUS / STEPWISE_LUA or their default paths.
 * A plain {@code mvn verify} without them skips those tests (shown as skipped); dev/test and CI
 * pass {@code -Dstepwise.requireTools=true}, which turns a missing tool into a failure.
 */
public final class Tools {
    private Tools() {
    }

    public static Path lua() {
        return find("STEPWISE_LUA", Path.of("/usr/bin/lua5.1"), "lua5.1 (apt-get install lua5.1, or dev/tools)");
    }

    public static Path helm() {
        return find("STEPWISE_HELM", Path.of(System.getProperty("user.home"), ".cache/stepwise/bin/helm-v3.22.0/helm"),
                "helm (dev/helm --path builds it)");
    }

    public static Path kubectl() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return find("STEPWISE_KUBECTL", Path.of("/usr/bin/kubectl"), "kubectl");
    }

    public static Path kstatus() {
        String env = System.getenv("STEPWISE_KSTATUS");
        return find("STEPWISE_KSTATUS", env == null ? Path.of("/nonexistent") : Path.of(env), "kstatus (dev/tools builds it)");
    }

    private static Path find(String env, Path fallback, String what) {
        String v = System.getenv(env);
        Path p = v != null && !v.isBlank() ? Path.of(v) : fallback;
        boolean present = Files.isExecutable(p);
        if (!present && Boolean.getBoolean("stepwise.requireTools")) {
            throw new IllegalStateException(what + " is missing at " + p + " (set " + env + ")");
        }
        Assumptions.assumeTrue(present, what + " is not installed: test skipped");
        return p;
    }
}
