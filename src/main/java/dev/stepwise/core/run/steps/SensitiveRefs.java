package dev.stepwise.core.run.steps;

import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.core.expr.StepTemplating;
import dev.stepwise.core.expr.Templates;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a step's Job reads the sensitive outputs of other steps without holding them: each
 * {@code {{steps.x.outputs.y}}} of a sensitive step becomes an env var {@code STEPWISE_SECRET_X__Y}
 * whose value comes from the Run's outputs Secret (a secretKeyRef), and the template resolves to
 * {@code $(STEPWISE_SECRET_X__Y)}, which Kubernetes expands in command, args and env values when it
 * starts the container. So the plain value is in no Job and no pod spec, only in the Secret and the
 * running container's environment.
 *
 * @param templates what the step's templates resolve against: sensitive outputs replaced by references
 * @param env       the env vars to read from the Secret, name to key (see {@link Outputs#secretKey})
 */
record SensitiveRefs(Templates.Context templates, Map<String, String> env) {
    static final String PREFIX = "STEPWISE_SECRET_";

    static SensitiveRefs of(Step step, StepContext ctx) {
        Templates.Context all = ctx.templates();
        Map<String, Map<String, String>> refs = new HashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (String text : StepTemplating.texts(step)) {
            for (Templates.Ref ref : Templates.references(text)) {
                Step from = ref.step() == null ? null : ctx.step(ref.step());
                // an output never written resolves to "" as any missing output does: no key is read that is not there
                if (from == null || !from.redacted()
                        || !all.outputs().getOrDefault(ref.step(), Map.of()).containsKey(ref.output())) {
                    continue;
                }
                Map<String, String> ofStep = refs.computeIfAbsent(ref.step(), k -> new HashMap<>());
                if (!ofStep.containsKey(ref.output())) {
                    String name = envName(ref.step(), ref.output(), env);
                    env.put(name, Outputs.secretKey(ref.step(), ref.output()));
                    ofStep.put(ref.output(), "$(" + name + ")");
                }
            }
        }
        if (refs.isEmpty()) {
            return new SensitiveRefs(all, Map.of());
        }
        Map<String, Map<String, String>> outputs = new HashMap<>(all.outputs());
        outputs.putAll(refs);
        return new SensitiveRefs(new Templates.Context(all.params(), outputs, all.runName(), all.runNamespace(),
                all.workflowName()), env);
    }

    /** {@code STEPWISE_SECRET_<STEP>__<OUTPUT>}, upper case, '-' as '_'; numbered on the rare clash of two refs. */
    private static String envName(String step, String output, Map<String, String> taken) {
        String base = PREFIX + (step + "__" + output).toUpperCase(Locale.ROOT).replace('-', '_');
        String name = base;
        for (int i = 2; taken.containsKey(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
