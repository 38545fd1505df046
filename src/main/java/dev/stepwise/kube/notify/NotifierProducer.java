package dev.stepwise.kube.notify;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The operator's one {@link Notifier}, on Quarkus' Vert.x, with the allow-list of
 * {@code stepwise.notifications.allowed-hosts}; its own addresses (every interface's, and the API
 * server's) are refused unless that list names them. A bad entry stops the operator at start.
 */
public class NotifierProducer {
    private static final Logger LOG = Logger.getLogger(NotifierProducer.class);

    @Produces
    @Singleton
    Notifier notifier(Vertx vertx, Clock clock, NotificationsConfig config, KubernetesClient client) {
        List<String> allowed = config.allowedHosts().orElse(List.of());
        Set<InetAddress> own = interfaceAddresses();
        own.addAll(addressesOf(client.getMasterUrl().getHost()));
        AddressPolicy policy = AddressPolicy.of(allowed, own);
        LOG.infof("notifications go to public https receivers%s", allowed.isEmpty() ? "" : " and " + String.join(", ", allowed));
        return new Notifier(vertx, clock, policy);
    }

    void close(@Disposes Notifier notifier) {
        notifier.close();
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> out = new LinkedHashSet<>();
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                interfaces.nextElement().getInetAddresses().asIterator().forEachRemaining(out::add);
            }
        } catch (SocketException e) {
            LOG.warnf("could not list this machine's addresses (%s): loopback and private ones are refused all the same", e.getMessage());
        }
        return out;
    }

    private static List<InetAddress> addressesOf(String host) {
        try {
            return host == null ? List.of() : List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
