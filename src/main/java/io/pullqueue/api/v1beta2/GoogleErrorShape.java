package io.pullqueue.api.v1beta2;

import io.pullqueue.api.http.EdgeError;
import io.pullqueue.api.http.ErrorShape;
import io.pullqueue.api.http.ErrorShapes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Google's error envelope for errors found at the edge on a {@code /taskqueue/...} path. */
@ApplicationScoped
public class GoogleErrorShape implements ErrorShape {
    @Override
    public int claim(String path) {
        return path != null && (path.equals("/taskqueue") || path.startsWith("/taskqueue/")) ? OWNER : NONE;
    }

    @Override
    public long inflatedLimit(long max) {
        return Math.min(max, WireFilter.MAX_BODY_BYTES);
    }

    @Override
    public void write(HttpServletRequest req, HttpServletResponse resp, EdgeError e) throws IOException {
        Response r = GoogleErrors.SHAPE.response(e.status(), e.reason(), e.message(), e.field());
        ErrorShapes.send(
                resp, r.getStatus(), r.getStringHeaders(), ((String) r.getEntity()).getBytes(StandardCharsets.UTF_8));
    }
}
