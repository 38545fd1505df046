package dev.stepwise.core.run.steps;

import dev.stepwise.api.v1alpha1.RetryPolicy;
import dev.stepwise.api.v1alpha1.RetryPolicy.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.stepwise.core.Fixtures.retry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class RetriesTest {

    @Test
    void limitNMeansNRetriesAfterTheFirstAttempt() {
        RetryPolicy p = retry(2, Backoff.constant, "10s", null);

        assertThat(Retries.shouldRetry(p, 1, 1)).as("after attempt 1 fails").isTrue();
        assertThat(Retries.shouldRetry(p, 2, 1)).as("after attempt 2 fails").isTrue();
        assertThat(Retries.shouldRetry(p, 3, 1)).as("after attempt 3 fails: 2 retries used").isFalse();
    }

    @Test
    void limitZeroMeansNoRetry() {
        assertThat(Retries.shouldRetry(retry(0, Backoff.constant, "10s", null), 1, 1)).isFalse();
    }

    @Test
    void noPolicyOrNoLimitMeansNoRetry() {
        assertThat(Retries.shouldRetry(null, 1, 1)).isFalse();
        RetryPolicy noLimit = new RetryPolicy();
        assertThat(Retries.shouldRetry(noLimit, 1, 1)).isFalse();
    }

    @Test
    void failedStepIsRetriedOnlyForListedExitCodes() {
        RetryPolicy p = retry(3, Backoff.constant, "10s", null, 1, 137);

        assertThat(Retries.shouldRetry(p, 1, 1)).isTrue();
        assertThat(Retries.shouldRetry(p, 1, 137)).isTrue();
        assertThat(Retries.shouldRetry(p, 1, 2)).isFalse();
        assertThat(Retries.shouldRetry(p, 1, null)).as("no exit code (never ran) is not listed").isFalse();
    }

    @Test
    void emptyOnExitCodesRetriesAnyFailure() {
        RetryPolicy p = retry(1, Backoff.constant, "10s", null);
        p.onExitCodes = null;
        assertThat(Retries.shouldRetry(p, 1, 42)).isTrue();
        assertThat(Retries.shouldRetry(retry(1, Backoff.constant, "10s", null), 1, null)).isTrue();
    }

    @Test
    void constantBackoffAlwaysWaitsTheDelay() {
        RetryPolicy p = retry(5, Backoff.constant, "10s", null);
        for (int n = 1; n <= 5; n++) {
            assertThat(Retries.delayBeforeRetry(p, n)).isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void linearBackoffIsDelayTimesN() {
        RetryPolicy p = retry(5, Backoff.linear, "10s", null);
        assertThat(Retries.delayBeforeRetry(p, 1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Retries.delayBeforeRetry(p, 2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(Retries.delayBeforeRetry(p, 5)).isEqualTo(Duration.ofSeconds(50));
    }

    @Test
    void exponentialBackoffIsDelayTimesTwoToTheNMinusOne() {
        RetryPolicy p = retry(5, Backoff.exponential, "10s", null);
        assertThat(Retries.delayBeforeRetry(p, 1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Retries.delayBeforeRetry(p, 2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(Retries.delayBeforeRetry(p, 3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(Retries.delayBeforeRetry(p, 4)).isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void maxDelayCapsTheBackoff() {
        RetryPolicy exp = retry(10, Backoff.exponential, "10s", "1m");
        assertThat(Retries.delayBeforeRetry(exp, 3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(Retries.delayBeforeRetry(exp, 4)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Retries.delayBeforeRetry(retry(10, Backoff.linear, "30s", "1m"), 9)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Retries.delayBeforeRetry(retry(10, Backoff.constant, "2m", "1m"), 1)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void defaultsAreTenSecondsConstant() {
        assertThat(Retries.delayBeforeRetry(null, 3)).isEqualTo(Duration.ofSeconds(10));
        RetryPolicy p = new RetryPolicy();
        p.limit = 3;
        assertThat(Retries.delayBeforeRetry(p, 3)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void hugeRetryNumberDoesNotOverflow() {
        for (Backoff b : Backoff.values()) {
            assertThatCode(() -> Retries.delayBeforeRetry(retry(100, b, "10s", null), Integer.MAX_VALUE))
                    .doesNotThrowAnyException();
            assertThat(Retries.delayBeforeRetry(retry(100, b, "10s", null), Integer.MAX_VALUE)).isPositive();
            assertThat(Retries.delayBeforeRetry(retry(100, b, "10s", "5m"), Integer.MAX_VALUE))
                    .isEqualTo(b == Backoff.constant ? Duration.ofSeconds(10) : Duration.ofMinutes(5));
        }
        assertThat(Retries.delayBeforeRetry(retry(100, Backoff.exponential, "1s", "1h"), 64)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void hugeDelayTimesHugeNIsCappedInsteadOfThrowing() {
        RetryPolicy p = retry(100, Backoff.exponential, "100000000000h", "1h");
        assertThat(Retries.delayBeforeRetry(p, 100)).isEqualTo(Duration.ofHours(1));
        RetryPolicy uncapped = retry(100, Backoff.linear, "100000000000h", null);
        assertThatCode(() -> Retries.delayBeforeRetry(uncapped, Integer.MAX_VALUE)).doesNotThrowAnyException();
    }
}
