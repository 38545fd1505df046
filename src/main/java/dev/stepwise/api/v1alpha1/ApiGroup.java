package dev.stepwise.api.v1alpha1;

/** Names shared by every kind of the API. */
public final class ApiGroup {
    public static final String GROUP = "stepwise.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String CATEGORY = "stepwise";

    private ApiGroup() {
    }
}
