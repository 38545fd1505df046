package dev.stepwise.kube.tls;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CipherOrderTest {
    private static final String AES128 = "TLS_AES_128_GCM_SHA256";
    private static final String AES256 = "TLS_AES_256_GCM_SHA384";
    private static final String ECDHE = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

    @Test
    void chacha20GoesFirstAndTheRestKeepTheirOrder() {
        assertThat(CipherOrder.chacha20First(new String[] {AES128, AES256, ECDHE},
                new String[] {AES256, AES128, CipherOrder.CHACHA20, ECDHE}))
                .containsExactly(CipherOrder.CHACHA20, AES128, AES256, ECDHE);
    }

    @Test
    void chacha20AlreadyEnabledFurtherDownMovesUpAndIsNotListedTwice() {
        assertThat(CipherOrder.chacha20First(new String[] {AES256, CipherOrder.CHACHA20, AES128},
                new String[] {AES256, AES128, CipherOrder.CHACHA20}))
                .containsExactly(CipherOrder.CHACHA20, AES256, AES128);
    }

    @Test
    void aJvmWithoutChacha20KeepsItsListAsItIs() {
        String[] enabled = {AES256, AES128};
        assertThat(CipherOrder.chacha20First(enabled, new String[] {AES256, AES128})).isSameAs(enabled);
    }
}
