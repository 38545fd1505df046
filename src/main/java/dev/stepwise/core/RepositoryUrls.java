package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Repository;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a step's repository token may go: only to an {@code https://} URL, and only to that URL's host
 * (the clone's credential helper answers for no other). Over {@code http://} or {@code git://} a
 * token would cross the network in the clear, so a repository with a token and such a URL is refused.
 */
public final class RepositoryUrls {
    private RepositoryUrls() {
    }

    /** Why this repository may not be cloned as it stands, or null when it may. */
    public static String problem(Repository repo) {
        if (repo == null || repo.tokenSecretRef == null) {
            return null;
        }
        if (repo.url == null || !repo.url.toLowerCase(Locale.ROOT).startsWith("https://")) {
            return "repository " + repo.url + " has a tokenSecretRef but is not an https:// URL: the token would be sent "
                    + "in the clear (use https://, or drop the token for a public repository)";
        }
        if (host(repo.url) == null) {
            return "repository " + repo.url + " has a tokenSecretRef but no host the token could be limited to";
        }
        return null;
    }

    /**
     * The host (with its port when the URL names one) as git's credential protocol says it in
     * {@code host=}, or null when the URL has none.
     */
    public static String host(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return null;
            }
            return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
