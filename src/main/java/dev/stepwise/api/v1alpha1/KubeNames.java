package dev.stepwise.api.v1alpha1;

/** Patterns of Kubernetes object names, for the CRD schema. */
public final class KubeNames {
    /** A DNS-1123 subdomain (ServiceAccount, Secret and most object names); at most 253 characters. */
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    private KubeNames() {
    }
}
