package dev.stepwise.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Leader election settings (env STEPWISE_LEADER_ELECTION_*): on by default, so one replica acts at a time (a Lease has no fencing: fixed Job names keep a step from running twice). */
@ConfigMapping(prefix = "stepwise.leader-election")
public interface LeaderElectionConfig {
    /** false = every replica reconciles (only for a single replica you never scale). */
    @WithDefault("true")
    boolean enabled();

    /** Name of the coordination.k8s.io Lease the replicas compete for. */
    @WithDefault("stepwise-operator")
    String leaseName();

    /** Namespace of the Lease; default: the pod's namespace (POD_NAMESPACE or the service account's), else the kubeconfig's, else default. */
    Optional<String> leaseNamespace();

    /** This replica's name in the Lease; default: POD_NAME, else HOSTNAME, else the host name. */
    Optional<String> identity();

    /** How long a Lease holds without renewal: the longest a failover takes. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** How long the leader keeps trying to renew before it gives up (and exits). */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often candidates try to take the Lease. */
    @WithDefault("2s")
    Duration retryPeriod();
}
