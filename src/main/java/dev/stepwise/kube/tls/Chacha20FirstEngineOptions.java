package dev.stepwise.kube.tls;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;

import javax.net.ssl.SSLEngine;

/**
 * Vert.x TLS engine options that wrap Fabric8's (which carry the kubeconfig's certificates and
 * trust) and only reorder the cipher suites of every engine they make, see {@link CipherOrder}.
 */
final class Chacha20FirstEngineOptions extends JdkSSLEngineOptions {
    private final SSLEngineOptions wrapped;

    Chacha20FirstEngineOptions(SSLEngineOptions wrapped) {
        this.wrapped = wrapped;
        setUseWorkerThread(wrapped.getUseWorkerThread());
    }

    @Override
    public JdkSSLEngineOptions copy() {
        return this; // immutable, like the Fabric8 options it wraps
    }

    @Override
    public SslContextFactory sslContextFactory() {
        SslContextFactory factory = wrapped.sslContextFactory();
        return new SslContextFactory() {
            @Override
            public SslContextFactory useAlpn(boolean useAlpn) {
                factory.useAlpn(useAlpn);
                return this;
            }

            @Override
            public SslContextFactory clientAuth(io.netty.handler.ssl.ClientAuth clientAuth) {
                factory.clientAuth(clientAuth);
                return this;
            }

            @Override
            public SslContextFactory forClient(boolean forClient) {
                factory.forClient(forClient);
                return this;
            }

            @Override
            public SslContextFactory keyMananagerFactory(javax.net.ssl.KeyManagerFactory kmf) {
                factory.keyMananagerFactory(kmf);
                return this;
            }

            @Override
            public SslContextFactory trustManagerFactory(javax.net.ssl.TrustManagerFactory tmf) {
                factory.trustManagerFactory(tmf);
                return this;
            }

            @Override
            public SslContextFactory enabledCipherSuites(java.util.Set<String> suites) {
                factory.enabledCipherSuites(suites);
                return this;
            }

            @Override
            public SslContextFactory applicationProtocols(java.util.List<String> protocols) {
                factory.applicationProtocols(protocols);
                return this;
            }

            @Override
            public SslContextFactory serverName(String serverName) {
                factory.serverName(serverName);
                return this;
            }

            @Override
            public SslContext create() throws javax.net.ssl.SSLException {
                return new DelegatingSslContext(factory.create()) {
                    @Override
                    protected void initEngine(SSLEngine engine) {
                        engine.setEnabledCipherSuites(CipherOrder.chacha20First(
                                engine.getEnabledCipherSuites(), engine.getSupportedCipherSuites()));
                    }
                };
            }
        };
    }
}
