package io.pullqueue.worker;

import java.net.http.HttpRequest;

/**
 * Adds credentials to every request the client sends, for example {@code Authorization: Bearer <key>} with
 * {@link #bearer(String)}. Called once per attempt, so a hook may hand out a refreshed token on a retry.
 */
@FunctionalInterface
public interface Credentials {

    /** No credentials (a server without authentication). */
    Credentials NONE = request -> { };

    void apply(HttpRequest.Builder request);

    /** {@code Authorization: Bearer <key>}. */
    static Credentials bearer(String key) {
        if (key == null || key.isBlank() || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("a bearer key must be non-empty printable ASCII without spaces");
        }
        String value = "Bearer " + key;
        return request -> request.setHeader("Authorization", value);
    }
}
