package dev.stepwise.kube;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class ApiErrorsTest {

    @ParameterizedTest(name = "{0} {1}: retriable={2}")
    @CsvSource({
            "400, BadRequest, false",
            "403, Forbidden, true",
            "404, NotFound, false",
            "409, AlreadyExists, true",
            "422, Invalid, false",
            "429, TooManyRequests, true",
            "500, InternalError, true",
            "503, ServiceUnavailable, true",
            "504, Timeout, true"})
    void theServersReasonAndMessageAreKeptAndOnlyPassingTroubleIsRetried(int code, String reason, boolean retriable) {
        var status = new StatusBuilder().withCode(code).withReason(reason).withMessage("what the server said").build();
        ApiErrors.Failure f = ApiErrors.of(new CompletionException(new KubernetesClientException(status)));
        assertThat(f.code()).isEqualTo(code);
        assertThat(f.reason()).isEqualTo(reason);
        assertThat(f.message()).isEqualTo("what the server said");
        assertThat(f.retriable()).isEqualTo(retriable);
    }

    @Test
    void noAnswerIsRetriedAndSaysSo() {
        ApiErrors.Failure timeout = ApiErrors.of(new KubernetesClientException("Operation: [create]  for kind: [Job] failed",
                new TimeoutException("timed out after 10s")));
        assertThat(timeout.code()).isZero();
        assertThat(timeout.reason()).isEqualTo("Timeout");
        assertThat(timeout.retriable()).isTrue();
        assertThat(timeout.message()).startsWith("no answer from the API server");

        ApiErrors.Failure refused = ApiErrors.of(new ConnectException("Connection refused"));
        assertThat(refused.reason()).isEqualTo("ConnectionRefused");
        assertThat(refused.message()).isEqualTo("no answer from the API server: Connection refused");
    }

    @Test
    void anAnswerWrappedByFabric8IsTheServersAnswerNotSilence() {
        var forbidden = new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403).withReason("Forbidden")
                .withMessage("runs.stepwise.dev \"etl-1\" is forbidden: User \"system:serviceaccount:x:y\" cannot get resource \"runs\"").build();
        ApiErrors.Failure f = ApiErrors.of(new KubernetesClientException("An error has occurred.",
                new KubernetesClientException(forbidden)));
        assertThat(f.code()).isEqualTo(403);
        assertThat(f.reason()).isEqualTo("Forbidden");
        assertThat(f.message()).contains("cannot get resource");
    }
}
