package dev.stepwise.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's packages depend on each other one way only, and the core never reaches out: no
 * Kubernetes client, no operator framework, no reconcilers. Read from the sources' imports and
 * fully qualified names, so a new arrow the wrong way fails here, naming the file.
 */
class CoreLayersTest {
    private static final String CORE = "dev.stepwise.core";
    /** Which core packages each core package may use (itself and the api always). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "", Set.of(),
            "time", Set.of(),
            "graph", Set.of(),
            "status", Set.of("time"),
            "expr", Set.of("", "time", "status"),
            "workflow", Set.of("", "time", "graph", "expr", "status"),
            "start", Set.of("", "time", "graph", "expr", "status", "workflow"),
            "run.steps", Set.of("", "time", "graph", "expr", "status"),
            "run", Set.of("", "time", "graph", "expr", "status", "workflow", "start", "run.steps"));
    private static final List<String> FORBIDDEN = List.of("io.fabric8.kubernetes.client", "io.javaoperatorsdk",
            "dev.stepwise.kube", "dev.stepwise.reconcile", "dev.stepwise.webhook", "dev.stepwise.metrics",
            "dev.stepwise.operator", "io.quarkus", "jakarta.");
    private static final Pattern REF = Pattern.compile("\\b(dev\\.stepwise\\.core(?:\\.[a-z]+)*)\\.[A-Z]\\w*");

    @Test
    void corePackagesDependOneWayAndNeverOnTheKubernetesEdge() {
        Path root = Path.of("src/main/java/dev/stepwise/core");
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> allowed = ALLOWED.get(rel);
                if (allowed == null) {
                    wrong.add(f + ": package core." + rel + " has no place in CoreLayersTest.ALLOWED");
                    continue;
                }
                String text = Files.readString(f);
                for (String bad : FORBIDDEN) {
                    if (text.contains("import " + bad) || text.contains(" " + bad)) {
                        wrong.add(f + " uses " + bad);
                    }
                }
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    String pkg = m.group(1).equals(CORE) ? "" : m.group(1).substring(CORE.length() + 1);
                    if (!pkg.equals(rel) && !allowed.contains(pkg)) {
                        wrong.add(f + " (core." + rel + ") uses core." + pkg + ": " + m.group());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(wrong).isEmpty();
    }
}
