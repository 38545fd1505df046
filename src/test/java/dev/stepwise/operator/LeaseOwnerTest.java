package dev.stepwise.operator;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseOwnerTest {
    static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void theServiceAccountComesFromTheProjectedTokensClaims() {
        String token = jwt("{\"aud\":[\"https://kubernetes.default.svc\"],\"kubernetes.io\":{\"namespace\":\"stepwise-system\","
                + "\"pod\":{\"name\":\"p\",\"uid\":\"1\"},\"serviceaccount\":{\"name\":\"stepwise-operator\","
                + "\"uid\":\"6f1c7a9e-0000-4000-8000-000000000001\"}},\"sub\":\"system:serviceaccount:stepwise-system:stepwise-operator\"}");
        assertThat(LeaseOwner.fromToken(token)).contains(
                new LeaseOwner.ServiceAccount("stepwise-operator", "6f1c7a9e-0000-4000-8000-000000000001"));
    }

    @Test
    void aTokenWithoutTheClaimOrNotAJwtNamesNoOne() {
        assertThat(LeaseOwner.fromToken(jwt("{\"sub\":\"x\"}"))).isEmpty();
        assertThat(LeaseOwner.fromToken("not-a-jwt")).isEmpty();
    }
}
