package dev.stepwise.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
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
 * that cannot renew its Lease exits (a Lease has no fencing; a step runs once because its Job name is fixed).
 */
@Singleton
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private final LeaderElectionConfig config;
    private final KubernetesClient client;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private volatile String leaseNamespace;
    private volatile String identity;

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
        this.leaseNamespace = namespace;
        this.identity = identity;
        LOG.infof("leader election: Lease %s/%s as %s (lease %s)", namespace, config.leaseName(), identity,
                config.leaseDuration());
        return new LeaderElectionConfiguration(config.leaseName(), namespace, config.leaseDuration(),
                config.renewDeadline(), config.retryPeriod(), identity,
                new LeaderCallbacks(() -> {
                    leader.set(true);
                    LOG.infof("this replica (%s) leads", identity);
                    LeaseOwner.attach(client, namespace, config.leaseName());
                }, this::stoppedLeading, newLeader -> { }),
                // JOSDK would call System.exit from the shutdown hook on a graceful stop, which blocks the
                // JVM until the kubelet kills it: stoppedLeading exits only when the Lease was lost
                false);
    }

    /** The Lease was lost (not renewed in time) or this process stops: never reconcile without it. */
    private void stoppedLeading() {
        leader.set(false);
        if (shuttingDown.get()) {
            LOG.info("stopped leading: shutting down");
            return;
        }
        LOG.error("lost the leader-election Lease: exiting so that only the new leader acts (the pod restarts as a standby)");
        System.exit(1);
    }

    /** Runs before the operator is stopped (Quarkus Operator SDK stops it at the default priority). */
    void shuttingDown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent ev) {
        shuttingDown.set(true);
    }

    /**
     * On a graceful stop (SIGTERM: a rollout, a scale-down, helm uninstall), after the operator has
     * stopped reconciling, the Lease this replica holds is deleted: a standby takes over at its next
     * try (retryPeriod) instead of after the lease duration, and an uninstall leaves no Lease behind.
     */
    void releaseOnShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) ShutdownEvent ev) {
        if (!config.enabled() || leaseNamespace == null) {
            return;
        }
        // the operator closed its client when it stopped: a short-lived one with the same configuration
        try (KubernetesClient c = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
            var leases = c.leases().inNamespace(leaseNamespace).withName(config.leaseName());
            Lease lease = leases.get();
            if (lease != null && lease.getSpec() != null && identity.equals(lease.getSpec().getHolderIdentity())) {
                leases.delete();
                LOG.infof("released Lease %s/%s", leaseNamespace, config.leaseName());
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not release Lease %s/%s (it expires by itself): %s", leaseNamespace, config.leaseName(), e.getMessage());
        }
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
