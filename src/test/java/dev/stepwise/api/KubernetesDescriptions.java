package dev.stepwise.api;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Carries the Kubernetes API's own descriptions into the schema of the fields our model embeds
 * from Kubernetes (EnvVar, EnvFromSource, ResourceRequirements, Toleration, Condition, ...), so
 * {@code kubectl explain workflow.spec.steps.env.valueFrom} says what it is. Also describes each
 * kind's {@code spec} and {@code status}. The descriptions come from the OpenAPI document of the
 * Kubernetes version we build against ({@code api/openapi-spec/swagger.json} of the Go module
 * k8s.io/kubernetes); the definitions the model uses are kept in {@link #COMMITTED}, extracted
 * from it by {@code -Dstepwise.updateCrds=true}, so the CRD check needs no Go module cache.
 */
final class KubernetesDescriptions {
    static final String KUBERNETES_VERSION = "v1.34.4";
    static final Path COMMITTED = Path.of("src/test/resources/kubernetes-openapi-descriptions-" + KUBERNETES_VERSION + ".json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** What spec and status are, per kind (kubectl explain KIND.spec). */
    static final Map<String, String[]> SPEC_STATUS = Map.of(
            "Workflow", new String[] {
                "The Workflow as its author writes it: params, step defaults and the steps (a DAG through dependsOn). "
                    + "Each change that alters what runs publishes a new WorkflowRevision.",
                "What the operator observed: the current revision new Runs pin, the last Run, run counts and the "
                    + "Ready/Stalled conditions (Stalled with reason Invalid names every problem)."},
            "WorkflowRevision", new String[] {
                "An immutable snapshot of a Workflow's spec, published by the operator as <workflow>-r<N>.",
                "The revision's graph: its steps level by level with their parents."},
            "Run", new String[] {
                "What to run: the Workflow (and optionally its revision), params, and run control such as cancel.",
                "The Run's progress as the operator observed it: phase, per step its phase, outputs and every attempt "
                    + "(Job, pod, exit code, reason, log tail), and the Succeeded/Ready/Reconciling/Stalled conditions."},
            "InstanceType", new String[] {
                "A named compute profile steps ask for: resources, node selector, tolerations and how their pods run "
                    + "(runAsNonRoot, runAsUser).",
                "Not used."});

    private final JsonNode definitions;

    private KubernetesDescriptions(JsonNode definitions) {
        this.definitions = definitions;
    }

    static KubernetesDescriptions committed() throws IOException {
        return new KubernetesDescriptions(JSON.readTree(COMMITTED.toFile()));
    }

    /** The OpenAPI document of k8s.io/kubernetes in the Go module cache (dev/build-binaries downloads the module). */
    static Path swagger() {
        String cache = System.getenv("GOMODCACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getenv().getOrDefault("GOPATH", System.getProperty("user.home") + "/go"), "pkg/mod");
        return root.resolve("k8s.io/kubernetes@" + KUBERNETES_VERSION + "/api/openapi-spec/swagger.json");
    }

    /** The definitions reachable from {@code roots}, only their descriptions and references kept. */
    static ObjectNode extract(Path swagger, Set<String> roots) throws IOException {
        JsonNode all = JSON.readTree(swagger.toFile()).path("definitions");
        Map<String, JsonNode> out = new TreeMap<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (out.containsKey(name)) {
                continue;
            }
            JsonNode def = all.path(name);
            if (def.isMissingNode()) {
                throw new IllegalStateException("no definition " + name + " in " + swagger);
            }
            ObjectNode kept = JSON.createObjectNode();
            kept.put("description", def.path("description").asText(""));
            ObjectNode props = kept.putObject("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = def.path("properties").fields(); it.hasNext(); ) {
                var p = it.next();
                ObjectNode q = props.putObject(p.getKey());
                q.put("description", p.getValue().path("description").asText(""));
                for (String ref : refs(p.getValue())) {
                    q.put(p.getValue().has("$ref") ? "$ref" : p.getValue().has("items") ? "items" : "additionalProperties", ref);
                    todo.push(ref);
                }
            }
            out.put(name, kept);
        }
        return JSON.valueToTree(out);
    }

    private static List<String> refs(JsonNode property) {
        for (JsonNode n : List.of(property, property.path("items"), property.path("additionalProperties"))) {
            if (n.has("$ref")) {
                return List.of(n.path("$ref").asText().replace("#/definitions/", ""));
            }
        }
        return List.of();
    }

    static void write(ObjectNode subset) throws IOException {
        Files.createDirectories(COMMITTED.getParent());
        Files.writeString(COMMITTED, JSON.writeValueAsString(subset) + "\n");
    }

    /** The Kubernetes definitions the model of these kinds embeds (the roots of {@link #extract}). */
    static Set<String> roots(Class<?>... kinds) {
        Set<String> out = new TreeSet<>();
        for (Class<?> kind : kinds) {
            for (Class<?> part : specAndStatus(kind)) {
                if (part != null) {
                    collect(Serialization.jsonMapper().constructType(part), out, new java.util.HashSet<>());
                }
            }
        }
        return out;
    }

    private static void collect(JavaType type, Set<String> out, Set<Class<?>> seen) {
        JavaType t = elementType(type);
        Class<?> raw = t.getRawClass();
        if (isKubernetes(raw)) {
            out.add(definitionName(raw));
            return;
        }
        if (!isModel(raw) || !seen.add(raw)) {
            return;
        }
        for (BeanPropertyDefinition p : properties(t)) {
            collect(p.getPrimaryType(), out, seen);
        }
    }

    /** Fills in every missing description of the CRD's schema that Kubernetes or {@link #SPEC_STATUS} provides. */
    HasMetadata describe(HasMetadata generated, Class<?> kind) {
        ObjectNode crd = Serialization.jsonMapper().valueToTree(generated);
        String kindName = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            JsonNode props = version.path("schema").path("openAPIV3Schema").path("properties");
            Class<?>[] parts = specAndStatus(kind);
            String[] texts = SPEC_STATUS.get(kindName);
            for (int i = 0; i < 2; i++) {
                JsonNode node = props.path(i == 0 ? "spec" : "status");
                if (node instanceof ObjectNode o) {
                    if (texts != null && !o.has("description")) {
                        o.put("description", texts[i]);
                    }
                    if (parts[i] != null) {
                        walk(o, Serialization.jsonMapper().constructType(parts[i]));
                    }
                }
            }
        }
        return Serialization.jsonMapper().convertValue(crd, CustomResourceDefinition.class);
    }

    private void walk(ObjectNode schema, JavaType type) {
        JsonNode props = schema.path("properties");
        for (BeanPropertyDefinition p : properties(type)) {
            if (!(props.path(p.getName()) instanceof ObjectNode child)) {
                continue;
            }
            JavaType t = p.getPrimaryType();
            ObjectNode target = child;
            if (t.isCollectionLikeType() && child.path("items") instanceof ObjectNode items) {
                target = items;
            } else if (t.isMapLikeType() && child.path("additionalProperties") instanceof ObjectNode values) {
                target = values;
            }
            Class<?> raw = elementType(t).getRawClass();
            if (isKubernetes(raw)) {
                kubernetes(target, definitionName(raw));
            } else if (isModel(raw)) {
                walk(target, elementType(t));
            }
        }
    }

    private void kubernetes(ObjectNode schema, String definition) {
        JsonNode def = definitions.path(definition);
        if (def.isMissingNode()) {
            throw new IllegalStateException("no Kubernetes description of " + definition + " in " + COMMITTED
                    + ": regenerate with mvn test -Dtest=CrdsAreCurrentTest -Dstepwise.updateCrds=true");
        }
        JsonNode props = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!(e.getValue() instanceof ObjectNode child)) {
                continue;
            }
            JsonNode dp = def.path("properties").path(e.getKey());
            if (!child.has("description") && !dp.path("description").asText("").isEmpty()) {
                child.put("description", dp.path("description").asText());
            }
            if (dp.has("$ref")) {
                kubernetes(child, dp.path("$ref").asText());
            } else if (dp.has("items") && child.path("items") instanceof ObjectNode items) {
                kubernetes(items, dp.path("items").asText());
            } else if (dp.has("additionalProperties") && child.path("additionalProperties") instanceof ObjectNode values) {
                kubernetes(values, dp.path("additionalProperties").asText());
            }
        }
    }

    private static JavaType elementType(JavaType t) {
        while (t.isCollectionLikeType() || t.isArrayType() || t.isMapLikeType()) {
            t = t.getContentType();
        }
        return t;
    }

    private static List<BeanPropertyDefinition> properties(JavaType type) {
        return Serialization.jsonMapper().getSerializationConfig().introspect(type).findProperties();
    }

    private static boolean isKubernetes(Class<?> c) {
        return c.getPackageName().startsWith("io.fabric8.kubernetes.api.model");
    }

    private static boolean isModel(Class<?> c) {
        return c.getPackageName().startsWith("dev.stepwise.");
    }

    /** The OpenAPI definition of a Fabric8 model class: same simple name, in core/v1, meta/v1 or resource. */
    static String definitionName(Class<?> fabric8) {
        String simple = fabric8.getSimpleName();
        return switch (simple) {
            case "Condition", "ObjectMeta", "Time", "ListMeta", "LabelSelector", "LabelSelectorRequirement" ->
                    "io.k8s.apimachinery.pkg.apis.meta.v1." + simple;
            case "Quantity" -> "io.k8s.apimachinery.pkg.api.resource.Quantity";
            default -> "io.k8s.api.core.v1." + simple;
        };
    }

    private static Class<?>[] specAndStatus(Class<?> kind) {
        if (kind.getGenericSuperclass() instanceof ParameterizedType pt && CustomResource.class.equals(pt.getRawType())) {
            var args = pt.getActualTypeArguments();
            return new Class<?>[] {args[0] instanceof Class<?> a ? a : null, args[1] instanceof Class<?> b && b != Void.class ? b : null};
        }
        return new Class<?>[] {null, null};
    }
}
