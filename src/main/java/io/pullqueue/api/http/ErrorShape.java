package io.pullqueue.api.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * How one door writes an error. Each door provides one as a CDI bean; the edge picks the one that claims the
 * request's path, so an error raised before a door runs (or by the web container) still has that door's shape.
 */
public interface ErrorShape {
    /** A claim above every fallback: the path belongs to this door. */
    int OWNER = 2;
    /** The shape for paths no door owns (static files, unknown paths). */
    int FALLBACK = 1;
    /** Not this door's path. */
    int NONE = 0;

    /** How strongly this door claims {@code path} (the request URI without the context root). */
    int claim(String path);

    /**
     * The most a body on this door may take in memory after gzip inflation, given the server's limit
     * {@code max}: what the memory budget reserves for a compressed or chunked body.
     */
    default long inflatedLimit(long max) {
        return max;
    }

    /** Writes {@code error} to {@code resp} in this door's shape. */
    void write(HttpServletRequest req, HttpServletResponse resp, EdgeError error) throws IOException;
}
