package dev.stepwise.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * What an API error means to the user: the server's reason and message as they should read them,
 * and whether trying again later can help.
 */
public final class ApiErrors {
    private ApiErrors() {
    }

    /**
     * @param code      HTTP status, or 0 when no answer came (timeout, connection refused)
     * @param reason    the server's StatusReason (Forbidden, Invalid, TooManyRequests, ...) or our word for no answer
     * @param retriable whether the same request may succeed later (quota freed, webhook back, server up)
     */
    public record Failure(int code, String reason, String message, boolean retriable) {
    }

    public static Failure of(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof KubernetesClientException e) {
            int code = e.getCode();
            String serverMessage = e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage() : e.getMessage();
            String reason = e.getStatus() != null && e.getStatus().getReason() != null && !e.getStatus().getReason().isBlank()
                    ? e.getStatus().getReason() : reasonFor(code, e);
            if (code <= 0) {
                Throwable inner = unwrap(e.getCause());
                if (inner instanceof KubernetesClientException k && k.getCode() > 0) {
                    // Fabric8 wraps the server's answer of a request it made on its own (the GET of a patch)
                    return of(k);
                }
                // no HTTP answer at all (Fabric8 says -1): the request timed out or never connected
                return noAnswer(inner != null && inner != e ? inner : e, inner != null ? inner.getMessage() : serverMessage);
            }
            return new Failure(code, reason, serverMessage, retriable(code));
        }
        return noAnswer(cause, cause == null ? "unknown error" : cause.getMessage());
    }

    private static Failure noAnswer(Throwable cause, String message) {
        String reason = cause instanceof TimeoutException || cause instanceof InterruptedIOException ? "Timeout"
                : cause instanceof ConnectException ? "ConnectionRefused" : "NoAnswer";
        String text = message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
        return new Failure(0, reason, "no answer from the API server: " + text, true);
    }

    /** 4xx other than these are about the request itself; asking again would get the same answer. */
    static boolean retriable(int code) {
        return code <= 0 || code == 403 || code == 408 || code == 409 || code == 429 || code >= 500;
    }

    private static String reasonFor(int code, KubernetesClientException e) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 500 -> "InternalError";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> code == 0 ? "NoAnswer" : "HTTP" + code;
        };
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c != null && (c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
