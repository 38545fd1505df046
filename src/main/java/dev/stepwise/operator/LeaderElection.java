package dev.stepwise.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leader election for JOSDK (Quarkus Operator SDK turns it on in the prod profile when this bean
 * exists): every replica keeps its informers warm, only the Lease holder reconciles, and a leader
 * that cannot renew its Lease exits, so two replicas never act at once.
 */
@Singleton
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private final LeaderElectionConfig config;
    private final KubernetesClient client;
    private final AtomicBoolean leader = new AtomicBoolean();

    public LeaderElection(LeaderElectionConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
    }

    /** True on the replica that holds the Lease, or on every replica when leader election is off. */
    public boolean isLeader() {
        return !config.enabled() || leader.get();
    }

    @Produces
    @Dependent
    LeaderElectionConfiguration configuration() {
        if (!config.enabled()) {
            LOG.warn("leader election is off (stepwise.leader-election.enabled=false): run a single replica");
            return null;
        }
        String namespace = leaseNamespace(config.leaseNamespace(), System.getenv(), SERVICE_ACCOUNT_NAMESPACE,
                client.getConfiguration().getNamespace());
        String identity = identity(config.identity(), System.getenv());
        LOG.infof("leader election: Lease %s/%s as %s (lease %s)", namespace, config.leaseName(), identity,
                config.leaseDuration());
        return new LeaderElectionConfiguration(config.leaseName(), namespace, config.leaseDuration(),
                config.renewDeadline(), config.retryPeriod(), identity,
                new LeaderCallbacks(() -> {
                    leader.set(true);
                    LOG.infof("this replica (%s) leads", identity);
                }, () -> leader.set(false), newLeader -> { }),
                true);
    }

    static String leaseNamespace(Optional<String> configured, Map<String, String> env, Path serviceAccountNamespace,
                                 String clientNamespace) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get();
        }
        String pod = env.get("POD_NAMESPACE");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            if (Files.isReadable(serviceAccountNamespace)) {
                String ns = Files.readString(serviceAccountNamespace).trim();
                if (!ns.isEmpty()) {
                    return ns;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return clientNamespace != null && !clientNamespace.isBlank() ? clientNamespace : "default";
    }

    /**
     * A stable identity: a restarted process on the same host (or a pod of the same name) takes its
     * own Lease back at once instead of waiting for it to expire.
     */
    static String identity(Optional<String> configured, Map<String, String> env) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get();
        }
        for (String key : new String[] {"POD_NAME", "HOSTNAME"}) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "stepwise-" + ProcessHandle.current().pid();
        }
    }
}
