package dev.stepwise.core.run;

import java.time.Instant;

/**
 * What one attempt to send a notification got.
 *
 * @param index  the notification's index in the workflow's notifications
 * @param event  Succeeded, Failed, Cancelled or RuntimeExceeded
 * @param ok     the receiver answered 2xx
 * @param result coarse, never the remote's words: "HTTP 200", "HTTP 503", "connect failed", "timed out", "TLS failed",
 *               "refused: private address"
 */
public record NotificationResult(int index, String event, boolean ok, String result, Instant at) {
}
