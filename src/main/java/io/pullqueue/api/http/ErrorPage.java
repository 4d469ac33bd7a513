package io.pullqueue.api.http;

import jakarta.inject.Inject;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application's error page at {@code /_error}, declared in WEB-INF/web.xml next to the error pages that send
 * every error status and every uncaught exception here: the
 * web container's own errors, such as an unknown path, {@code /WEB-INF/...}, an encoded slash or dot in a path, an
 * unparsable Content-Type or an unsupported method, get the shape of the door the path belongs to, with a fixed
 * message per status. Nothing of the container's message, exception or stack is passed on.
 */
public class ErrorPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    transient ErrorShapes shapes;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        String uri = (String) req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        int status = code instanceof Integer i ? i : 404;
        if (uri == null) {
            // Asked for directly: there is no such resource.
            uri = req.getRequestURI();
            status = 404;
        }
        shapes.write(ErrorShapes.path(req, uri), req, resp, of(status));
    }

    /** The error for a status the container chose; the message is ours, never the container's. */
    static EdgeError of(int status) {
        switch (status) {
            case 400:
                return new EdgeError(
                        400,
                        "INVALID_REQUEST",
                        "the request is malformed: check the path's encoding "
                                + "(no encoded '/', '.' or NUL), the Content-Type header and the query string",
                        null);
            case 404:
                return new EdgeError(404, "NOT_FOUND", "no such resource", null);
            case 405:
            case 501:
                return new EdgeError(
                        405, "METHOD_NOT_ALLOWED", "this resource does not support that HTTP method", null);
            case 413:
                return new EdgeError(413, "REQUEST_TOO_LARGE", "the request is too large", null);
            case 415:
                return new EdgeError(415, "UNSUPPORTED_MEDIA_TYPE", "request bodies must be application/json", null);
            default:
                if (status >= 500) {
                    return new EdgeError(500, "INTERNAL_ERROR", "internal error; see the server log", null);
                }
                return new EdgeError(status, "INVALID_REQUEST", "the request was refused (HTTP " + status + ")", null);
        }
    }
}
