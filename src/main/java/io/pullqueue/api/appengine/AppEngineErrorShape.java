package io.pullqueue.api.appengine;

import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.http.EdgeError;
import io.pullqueue.api.http.ErrorShape;
import io.pullqueue.api.http.ErrorShapes;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Errors found at the edge on {@code /remote_api} or {@code /rpc_http}. A POST is a protocol call, so it keeps the
 * protocol's promise: HTTP 200 and a {@code remote_api.Response} (a full memory budget is the application error
 * TRANSIENT_ERROR, which every SDK retries; an oversized body is {@code rpc_error} REQUEST_TOO_LARGE). Any other
 * method is not part of the protocol and gets its HTTP status with a one-line text.
 */
@ApplicationScoped
public class AppEngineErrorShape implements ErrorShape {
    @Override
    public int claim(String path) {
        return RemoteApiServlet.REMOTE_API.equals(path) || RemoteApiServlet.RPC_HTTP.equals(path) ? OWNER : NONE;
    }

    @Override
    public void write(HttpServletRequest req, HttpServletResponse resp, EdgeError e) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            String allow = RemoteApiServlet.REMOTE_API.equals(ErrorShapes.path(req, req.getRequestURI()))
                    ? "GET, POST"
                    : "POST";
            ErrorShapes.send(
                    resp,
                    e.status(),
                    Map.of("Content-Type", List.of("text/plain;charset=UTF-8"), "Allow", List.of(allow)),
                    (e.message() + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        RemoteApiServlet.write(resp, response(e));
    }

    static RemoteApiPb.Response response(EdgeError e) {
        switch (e.status()) {
            case 503:
                return ApiDispatcher.applicationError(new QueueException(ErrorCode.TRANSIENT_ERROR, e.message()));
            case 413:
                return RemoteApiServlet.tooLarge(e.message());
            case 408:
                return ApiDispatcher.rpcError(
                        RemoteApiPb.RpcError.ErrorCode.DEADLINE_EXCEEDED,
                        e.message(),
                        JavaExceptions.argument(ApiDispatcher.SERVICE, "request", e.message()));
            default:
                return ApiDispatcher.rpcError(
                        RemoteApiPb.RpcError.ErrorCode.BAD_REQUEST,
                        e.message(),
                        JavaExceptions.argument(ApiDispatcher.SERVICE, "request", e.message()));
        }
    }
}
