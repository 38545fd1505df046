package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where one notification of a Run stands: sent, being retried, or given up. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationStatus {
    @JsonPropertyDescription("Index of the notification in the workflow's notifications.")
    public Integer index;

    @JsonPropertyDescription("Succeeded | Failed | Cancelled | RuntimeExceeded.")
    public String event;

    @JsonPropertyDescription("true once the receiver answered 2xx.")
    public Boolean delivered;

    @JsonPropertyDescription("Attempts so far.")
    public Integer attempts;

    @JsonPropertyDescription("What the last attempt got, coarse: HTTP 200, HTTP 503, connect failed, timed out, TLS failed, refused: private address.")
    public String lastResult;

    @JsonPropertyDescription("When the last attempt ended.")
    public String lastAttemptAt;

    @JsonPropertyDescription("When it is tried again; absent once delivered or given up.")
    public String nextAttemptAt;

    public NotificationStatus() {
    }

    public NotificationStatus(int index, String event) {
        this.index = index;
        this.event = event;
        this.attempts = 0;
        this.delivered = false;
    }
}
