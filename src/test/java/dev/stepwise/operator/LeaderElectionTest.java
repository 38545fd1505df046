package dev.stepwise.operator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderElectionTest {
    @Test
    void theLeaseLivesInThePodsNamespaceUnlessConfigured(@TempDir Path dir) throws IOException {
        Path sa = dir.resolve("namespace");
        assertThat(LeaderElection.leaseNamespace(Optional.of("ops"), Map.of("POD_NAMESPACE", "x"), sa, "y")).isEqualTo("ops");
        assertThat(LeaderElection.leaseNamespace(Optional.empty(), Map.of("POD_NAMESPACE", "stepwise-system"), sa, "y"))
                .isEqualTo("stepwise-system");
        Files.writeString(sa, "from-sa\n");
        assertThat(LeaderElection.leaseNamespace(Optional.empty(), Map.of(), sa, "y")).isEqualTo("from-sa");
        Files.delete(sa);
        assertThat(LeaderElection.leaseNamespace(Optional.empty(), Map.of(), sa, "kubeconfig-ns")).isEqualTo("kubeconfig-ns");
        assertThat(LeaderElection.leaseNamespace(Optional.empty(), Map.of(), sa, null)).isEqualTo("default");
    }

    @Test
    void theIdentityIsStableSoARestartedProcessTakesItsLeaseBackAtOnce() {
        assertThat(LeaderElection.identity(Optional.of("me"), Map.of("POD_NAME", "p"))).isEqualTo("me");
        assertThat(LeaderElection.identity(Optional.empty(), Map.of("POD_NAME", "stepwise-abc", "HOSTNAME", "h"))).isEqualTo("stepwise-abc");
        assertThat(LeaderElection.identity(Optional.empty(), Map.of("HOSTNAME", "h"))).isEqualTo("h");
        String host = LeaderElection.identity(Optional.empty(), Map.of());
        assertThat(host).isNotBlank().isEqualTo(LeaderElection.identity(Optional.empty(), Map.of()));
    }
}
