package dev.stepwise.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    private static final String LONG_RUN = "nightly-etl-pipeline-for-the-orders-table-20260101";
    private static final String LONG_STEP = "extract-everything-from-the-warehouse";

    @Test
    void shortNameIsRunStepAttemptUnchanged() {
        assertThat(Names.job("etl-x7k2p", "extract", 1)).isEqualTo("etl-x7k2p-extract-1");
    }

    @Test
    void nameOfExactly63CharactersIsUnchanged() {
        String run = "r".repeat(63 - "-s-1".length());
        assertThat(Names.job(run, "s", 1)).isEqualTo(run + "-s-1").hasSize(63);
    }

    @Test
    void longNameIsShortenedTo63CharactersKeepingTheAttempt() {
        String name = Names.job(LONG_RUN, LONG_STEP, 12);

        assertThat(name.length()).isLessThanOrEqualTo(63);
        assertThat(name).endsWith("-12").startsWith("nightly-etl-pipeline");
        assertThat(name).matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        assertThat(name).doesNotContain("--");
    }

    @Test
    void shorteningIsDeterministic() {
        assertThat(Names.job(LONG_RUN, LONG_STEP, 1)).isEqualTo(Names.job(LONG_RUN, LONG_STEP, 1));
    }

    @Test
    void differentLongInputsGiveDistinctNames() {
        String a = Names.job(LONG_RUN, LONG_STEP + "-a", 1);
        String b = Names.job(LONG_RUN, LONG_STEP + "-b", 1);
        String c = Names.job(LONG_RUN, LONG_STEP + "-a", 2);

        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(b).isNotEqualTo(c);
        assertThat(a.length()).isLessThanOrEqualTo(63);
        assertThat(b.length()).isLessThanOrEqualTo(63);
    }

    @Test
    void cutAtADashDoesNotLeaveADoubleDash() {
        for (int i = 40; i < 70; i++) {
            String name = Names.job("a-".repeat(i / 2) + "b", LONG_STEP, 3);
            assertThat(name.length()).isLessThanOrEqualTo(63);
            assertThat(name).doesNotContain("--");
        }
    }
}
