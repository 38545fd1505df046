package dev.stepwise.core.status;

import dev.stepwise.api.v1alpha1.RunStatus;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusCopyTest {
    private static RunStatus status(Map<String, String> params) {
        RunStatus s = new RunStatus();
        s.workflow = "wf";
        s.params = params;
        return s;
    }

    @Test
    void equalStatusesAreTheSameWhateverOrderTheirMapsWereFilledIn() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertThat(StatusCopy.same(status(ab), status(ba))).isTrue();
        assertThat(StatusCopy.same(status(ab), StatusCopy.of(status(ab)))).isTrue();
    }

    @Test
    void anyDifferenceIsOne() {
        RunStatus a = status(new LinkedHashMap<>(Map.of("a", "1")));
        RunStatus b = StatusCopy.of(a);
        b.message = "changed";
        assertThat(StatusCopy.same(a, b)).isFalse();
        RunStatus c = StatusCopy.of(a);
        c.params.put("a", "2");
        assertThat(StatusCopy.same(a, c)).isFalse();
        assertThat(StatusCopy.same(null, a)).isFalse();
        assertThat(StatusCopy.same(null, null)).isTrue();
    }
}
