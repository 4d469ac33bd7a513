package io.pullqueue.api.rest;

import io.pullqueue.api.http.EdgeError;
import io.pullqueue.api.http.ErrorShape;
import io.pullqueue.api.http.ErrorShapes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The native API's error shape for errors found at the edge; also the shape of paths no door owns. */
@ApplicationScoped
public class NativeErrorShape implements ErrorShape {
    @Override
    public int claim(String path) {
        return path != null && (path.equals("/api") || path.startsWith("/api/")) ? OWNER : FALLBACK;
    }

    @Override
    public void write(HttpServletRequest req, HttpServletResponse resp, EdgeError e) throws IOException {
        Response r = ApiError.SHAPE.response(e.status(), e.reason(), e.message(), e.field());
        ErrorShapes.send(
                resp, r.getStatus(), r.getStringHeaders(), ((String) r.getEntity()).getBytes(StandardCharsets.UTF_8));
    }
}
