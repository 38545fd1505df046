package dev.stepwise.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Makes the leader-election Lease owned by the operator's ServiceAccount, so that uninstalling the
 * operator (helm uninstall, kubectl delete -k) lets the garbage collector delete the Lease even when
 * the RBAC that would let the pod delete it is gone before the pod stops. The ServiceAccount's name
 * and UID come from the claims of the pod's own token: no extra permission is needed.
 */
final class LeaseOwner {
    private static final Logger LOG = Logger.getLogger(LeaseOwner.class);
    static final Path TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
    private static final ObjectMapper JSON = new ObjectMapper();

    record ServiceAccount(String name, String uid) {
    }

    private LeaseOwner() {
    }

    /** The ServiceAccount a projected token names (claim "kubernetes.io"), or empty outside a pod. */
    static Optional<ServiceAccount> fromToken(String jwt) {
        String[] parts = jwt.trim().split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode sa = claims.path("kubernetes.io").path("serviceaccount");
            String name = sa.path("name").asText(null);
            String uid = sa.path("uid").asText(null);
            return name == null || uid == null ? Optional.empty() : Optional.of(new ServiceAccount(name, uid));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Sets the Lease's owner to this pod's ServiceAccount, unless it has one already. */
    static void attach(KubernetesClient client, String namespace, String leaseName) {
        if (!Files.isReadable(TOKEN)) {
            return;
        }
        try {
            Optional<ServiceAccount> sa = fromToken(Files.readString(TOKEN, StandardCharsets.UTF_8));
            if (sa.isEmpty()) {
                return;
            }
            var lease = client.leases().inNamespace(namespace).withName(leaseName);
            Lease current = lease.get();
            if (current == null || !current.getMetadata().getOwnerReferences().isEmpty()) {
                return;
            }
            lease.edit(l -> {
                l.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("v1")
                        .withKind("ServiceAccount").withName(sa.get().name()).withUid(sa.get().uid()).build()));
                return l;
            });
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not make ServiceAccount the owner of Lease %s/%s (an uninstall may leave it behind): %s",
                    namespace, leaseName, e.getMessage());
        }
    }
}
