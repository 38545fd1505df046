package dev.stepwise.core.run;

import io.fabric8.kubernetes.api.model.SecretKeySelector;

import java.util.Map;

/**
 * A notification the edge is to POST: where the URL is kept, and the JSON body's fields.
 *
 * @param urlSecretRef the Secret key holding the URL (never logged)
 */
public record NotificationToSend(int index, String event, SecretKeySelector urlSecretRef, Map<String, Object> body) {
}
