package dev.stepwise.api.v1alpha1;

/**
 * The bounds the CRDs state for text, lists and maps (SPEC "Sharing a cluster": every text field has a bound
 * the CRD states). Each one is far above what a real workflow needs and far below what would let one object
 * crowd etcd; the API server's own request limit (3 MiB) and etcd's (1.5 MiB) still cap the whole object.
 */
public final class Bounds {
    /** A DNS-1123 label: step names, container names. */
    public static final int LABEL = 63;
    /** A DNS-1123 subdomain: object names (Workflows, Runs, Secrets, ConfigMaps, InstanceTypes). */
    public static final int NAME = 253;
    /** DNS-1123 subdomain, as Kubernetes checks object names. */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A container image reference, digest included. */
    public static final int IMAGE = 512;
    /** One command or args item, one env value: room for an inline script. */
    public static final int ARG = 32 * 1024;
    /** Items of command, args, env of one step. */
    public static final int ARGS = 256;
    /** A Kubernetes quantity (16Gi, 500m). */
    public static final int QUANTITY = 64;
    /** A URL. */
    public static final int URL = 2048;

    private Bounds() {
    }
}
