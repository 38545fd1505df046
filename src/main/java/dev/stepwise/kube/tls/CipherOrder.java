package dev.stepwise.kube.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The order in which the operator offers TLS cipher suites to the API server: ChaCha20-Poly1305
 * first, then what the TLS library enables anyway.
 *
 * <p>Why: the operator's JVM compiles with C1 only (dev/operator-jvm), and C1 has no intrinsics
 * for AES or GHASH, so AES-GCM runs as plain Java at ~35 MB/s, where ChaCha20-Poly1305 reaches
 * ~160 MB/s (C2 with intrinsics: AES-GCM ~730 MB/s, but its compiling costs more than it saves
 * here). Decrypting watch events with AES-GCM was ~40 % of the operator's event-loop CPU. A Go
 * server (kube-apiserver) picks ChaCha20-Poly1305 when the client lists it first; any server
 * that does not offer it picks from the rest of the list, as before.
 */
public final class CipherOrder {
    /** The TLS 1.3 ChaCha20-Poly1305 suite (RFC 8446). */
    public static final String CHACHA20 = "TLS_CHACHA20_POLY1305_SHA256";

    private CipherOrder() {
    }

    /**
     * {@code enabled} with {@link #CHACHA20} in front; {@code enabled} unchanged when the JVM does
     * not support it (e.g. a FIPS provider).
     */
    public static String[] chacha20First(String[] enabled, String[] supported) {
        if (!Arrays.asList(supported).contains(CHACHA20)) {
            return enabled;
        }
        List<String> ordered = new ArrayList<>(enabled.length + 1);
        ordered.add(CHACHA20);
        for (String suite : enabled) {
            if (!CHACHA20.equals(suite)) {
                ordered.add(suite);
            }
        }
        return ordered.toArray(String[]::new);
    }
}
