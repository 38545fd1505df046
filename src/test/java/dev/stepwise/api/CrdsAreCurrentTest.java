package dev.stepwise.api;

import dev.stepwise.api.v1alpha1.InstanceType;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRDs in crds/ are generated from the model and committed; this fails the build when they are
 * stale. Regenerate with {@code mvn test -Dtest=CrdsAreCurrentTest -Dstepwise.updateCrds=true}.
 */
class CrdsAreCurrentTest {
    static final Path COMMITTED = Path.of("crds");
    @SuppressWarnings("unchecked")
    static final Class<? extends HasMetadata>[] KINDS = new Class[] {
        WorkflowResource.class, WorkflowRevision.class, Run.class, InstanceType.class};

    /** The generator sorts printer columns by name; kubectl should show them in SPEC's (declared) order. */
    static HasMetadata columnsInDeclaredOrder(HasMetadata generated) {
        CustomResourceDefinition crd = (CustomResourceDefinition) generated;
        Class<?> kind = Arrays.stream(KINDS).filter(k -> HasMetadata.getKind(k).equals(crd.getSpec().getNames().getKind()))
                .findFirst().orElseThrow();
        List<String> order = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        for (var version : crd.getSpec().getVersions()) {
            if (version.getAdditionalPrinterColumns() != null) {
                version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
                        (CustomResourceColumnDefinition c) -> order.indexOf(c.getName())));
            }
        }
        return crd;
    }

    static Class<?> kindOf(HasMetadata crd) {
        String kind = ((CustomResourceDefinition) crd).getSpec().getNames().getKind();
        return Arrays.stream(KINDS).filter(k -> HasMetadata.getKind(k).equals(kind)).findFirst().orElseThrow();
    }

    /** kubectl explain teaches every field: our own descriptions, and Kubernetes' for the types we embed. */
    @Test
    void everyFieldOfEveryCrdIsDescribed() throws IOException {
        List<String> undescribed = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(COMMITTED)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                var crd = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(f.toFile());
                for (var version : crd.path("spec").path("versions")) {
                    undescribed(crd.path("spec").path("names").path("kind").asText().toLowerCase(),
                            version.path("schema").path("openAPIV3Schema"), undescribed);
                }
            }
        }
        assertThat(undescribed).as("schema fields without a description").isEmpty();
    }

    private static void undescribed(String path, com.fasterxml.jackson.databind.JsonNode schema, List<String> out) {
        var props = schema.path("properties");
        for (var it = props.fields(); it.hasNext(); ) {
            var e = it.next();
            String p = path + "." + e.getKey();
            boolean topLevel = path.indexOf('.') < 0 && List.of("apiVersion", "kind", "metadata").contains(e.getKey());
            if (!e.getValue().has("description") && !topLevel) {
                out.add(p);
            }
            undescribed(p, e.getValue(), out);
            undescribed(p, e.getValue().path("items"), out);
            undescribed(p, e.getValue().path("additionalProperties"), out);
        }
    }

    @Test
    void committedCrdsMatchTheModel(@TempDir Path out) throws IOException {
        if (Boolean.getBoolean("stepwise.updateCrds")) {
            Path swagger = KubernetesDescriptions.swagger();
            assertThat(swagger).as("the OpenAPI document of Kubernetes %s (go mod download k8s.io/kubernetes@%s)",
                    KubernetesDescriptions.KUBERNETES_VERSION, KubernetesDescriptions.KUBERNETES_VERSION).exists();
            KubernetesDescriptions.write(KubernetesDescriptions.extract(swagger, KubernetesDescriptions.roots(KINDS)));
        }
        KubernetesDescriptions descriptions = KubernetesDescriptions.committed();
        new CRDGenerator()
                .inOutputDir(out.toFile())
                .forCRDVersions("v1")
                .withParallelGenerationEnabled(false)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String crdVersion) {
                        return columnsInDeclaredOrder(SchemaBounds.apply(descriptions.describe(crd, kindOf(crd))));
                    }
                })
                .customResourceClasses(KINDS)
                .generate();
        List<Path> generated;
        try (Stream<Path> files = Files.list(out)) {
            generated = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(generated).hasSize(4);
        if (Boolean.getBoolean("stepwise.updateCrds")) {
            Files.createDirectories(COMMITTED);
            for (Path p : generated) {
                Files.copy(p, COMMITTED.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Path p : generated) {
            Path committed = COMMITTED.resolve(p.getFileName());
            assertThat(committed).as("%s is committed (regenerate: mvn test -Dtest=CrdsAreCurrentTest -Dstepwise.updateCrds=true)", committed).exists();
            assertThat(Files.readString(committed))
                    .as("%s is current (regenerate: mvn test -Dtest=CrdsAreCurrentTest -Dstepwise.updateCrds=true)", committed)
                    .isEqualTo(Files.readString(p));
        }
    }

    /** operator/ installs crds/ as a kustomize base: its Kustomization must list exactly the generated CRDs. */
    @Test
    void theKustomizationOfCrdsListsEveryGeneratedCrd() throws IOException {
        List<String> listed = Files.readAllLines(COMMITTED.resolve("Kustomization")).stream()
                .filter(l -> l.startsWith("- ")).map(l -> l.substring(2).trim()).sorted().toList();
        List<String> crds;
        try (Stream<Path> files = Files.list(COMMITTED)) {
            crds = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
        }
        assertThat(listed).as("crds/Kustomization resources").isEqualTo(crds);
    }
}
