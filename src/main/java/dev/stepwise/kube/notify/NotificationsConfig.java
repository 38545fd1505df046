package dev.stepwise.kube.notify;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Where notifications may go beyond public https receivers (env STEPWISE_NOTIFICATIONS_ALLOWED_HOSTS). */
@ConfigMapping(prefix = "stepwise.notifications")
public interface NotificationsConfig {
    /**
     * Comma-separated host names and CIDRs (a bare IP is one address) that notifications may reach
     * over http, or at loopback, private, link-local or the operator's own addresses; see {@link AddressPolicy}.
     */
    Optional<List<String>> allowedHosts();
}
