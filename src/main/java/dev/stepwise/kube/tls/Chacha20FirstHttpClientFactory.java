package dev.stepwise.kube.tls;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Fabric8's Vert.x HTTP client (the one Quarkus uses), offering ChaCha20-Poly1305 first in TLS
 * (see {@link CipherOrder} for why).
 *
 * <p>Fabric8 7.4 builds the client's options and hands them straight to
 * {@code Vertx.createHttpClient}, with no hook in between, and its TLS options fix Netty's cipher
 * list. So the builder gets a {@link Vertx} that is the real one except for that call, where the
 * TLS options are wrapped in {@link Chacha20FirstEngineOptions}. Every other call goes to the
 * real Vert.x unchanged.
 */
public final class Chacha20FirstHttpClientFactory implements HttpClient.Factory {
    private final Vertx vertx;

    public Chacha20FirstHttpClientFactory(Vertx vertx) {
        this.vertx = reorderingCiphers(vertx);
    }

    @Override
    public VertxHttpClientBuilder<Chacha20FirstHttpClientFactory> newBuilder() {
        return new VertxHttpClientBuilder<>(this, vertx);
    }

    private static Vertx reorderingCiphers(Vertx real) {
        return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createHttpClient") && args != null && args.length == 1
                            && args[0] instanceof HttpClientOptions options && options.getSslEngineOptions() != null
                            && !(options.getSslEngineOptions() instanceof Chacha20FirstEngineOptions)) {
                        options.setSslEngineOptions(new Chacha20FirstEngineOptions(options.getSslEngineOptions()));
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
