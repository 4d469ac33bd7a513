package io.pullqueue.api.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes an edge error in the shape of the door whose path the request is on. */
@ApplicationScoped
public class ErrorShapes {
    @Inject
    @Any
    Instance<ErrorShape> shapes;

    private volatile List<ErrorShape> all;

    /** The door whose path this is, or null. */
    private ErrorShape owner(String path) {
        ErrorShape best = null;
        int claim = ErrorShape.NONE;
        for (ErrorShape s : shapes()) {
            int c = s.claim(path);
            if (c > claim) {
                best = s;
                claim = c;
            }
        }
        return best;
    }

    /** The most a body on {@code path} may take in memory after inflation (see {@link ErrorShape}). */
    public long inflatedLimit(String path, long max) {
        ErrorShape s = owner(path);
        return s == null ? max : s.inflatedLimit(max);
    }

    /** Writes {@code error} for a request on {@code path}; a response already committed is left alone. */
    public void write(String path, HttpServletRequest req, HttpServletResponse resp, EdgeError error)
            throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        ErrorShape best = owner(path);
        if (best == null) {
            resp.setStatus(error.status());
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getOutputStream().write((error.message() + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        best.write(req, resp, error);
    }

    private List<ErrorShape> shapes() {
        List<ErrorShape> s = all;
        if (s == null) {
            s = new ArrayList<>();
            shapes.forEach(s::add);
            all = s = List.copyOf(s);
        }
        return s;
    }

    /** Sends an error response a door prepared: its status, headers (Content-Type, Retry-After, ...) and body. */
    public static void send(HttpServletResponse resp, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        resp.setStatus(status);
        headers.forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** The request's path inside the application: the URI without the context root. */
    public static String path(HttpServletRequest req, String uri) {
        String context = req.getContextPath();
        return uri != null && context != null && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
