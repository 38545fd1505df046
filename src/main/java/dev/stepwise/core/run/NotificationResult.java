package dev.stepwise.core.run;

import java.time.Instant;

/**
 * What one attempt to send a notification got.
 *
 * @param index  the notification's index in the workflow's notifications
 * @param event  Succeeded, Failed, Cancelled or RuntimeExceeded
 * @param ok     the receiver answered 2xx
 * @param result e.g. "HTTP 200", "HTTP 503", "connection refused"
 */
public record NotificationResult(int index, String event, boolean ok, String result, Instant at) {
}
