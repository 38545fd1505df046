package dev.stepwise.core;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LabelSelectorsTest {
    private static LabelSelector expression(String key, String op, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(op).withValues(values)
                .endMatchExpression().build();
    }

    @Test
    void matchLabelsAndEveryOperatorOfMatchExpressionsAsKubernetesDefinesThem() {
        Map<String, String> data = Map.of("team", "data", "tier", "prod");
        assertThat(LabelSelectors.matches(null, data)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).as("empty selector: everything").isTrue();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("team", "data").build(), data)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("team", "ml").build(), data)).isFalse();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("team", "data").build(), null)).isFalse();
        assertThat(LabelSelectors.matches(expression("team", "In", "ml", "data"), data)).isTrue();
        assertThat(LabelSelectors.matches(expression("team", "NotIn", "data"), data)).isFalse();
        assertThat(LabelSelectors.matches(expression("absent", "NotIn", "x"), data)).isTrue();
        assertThat(LabelSelectors.matches(expression("tier", "Exists"), data)).isTrue();
        assertThat(LabelSelectors.matches(expression("tier", "DoesNotExist"), data)).isFalse();
        assertThat(LabelSelectors.matches(expression("tier", "Gt", "1"), data)).as("unknown operator").isFalse();
    }
}
