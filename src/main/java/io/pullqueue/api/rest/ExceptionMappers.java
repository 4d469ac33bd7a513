package io.pullqueue.api.rest;

import io.pullqueue.core.QueueException;
import io.pullqueue.service.Failures;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Maps every failure inside the native API to its error shape; nothing escapes as a stack trace. */
final class ExceptionMappers {
    private ExceptionMappers() {
    }

    /** Domain errors and everything unexpected. */
    public static final class Any implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable t) {
            if (t instanceof WebApplicationException w) {
                return web(w);
            }
            QueueException q = t instanceof QueueException e ? e : Failures.translate(t);
            return ApiError.of(q);
        }
    }

    /** Errors the JAX-RS runtime raises itself: unknown path, wrong method, unsupported media type. */
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException w) {
            return web(w);
        }
    }

    static Response web(WebApplicationException w) {
        int status = w.getResponse() == null ? 500 : w.getResponse().getStatus();
        String reason;
        String message;
        switch (status) {
            case 404:
                reason = "NOT_FOUND";
                message = "no such resource; see /openapi for the API";
                break;
            case 405:
                reason = "METHOD_NOT_ALLOWED";
                message = "this resource does not support that HTTP method";
                break;
            case 406:
                reason = "NOT_ACCEPTABLE";
                message = "responses are application/json";
                break;
            case 413:
                reason = "REQUEST_TOO_LARGE";
                message = w.getMessage();
                break;
            case 415:
                reason = "UNSUPPORTED_MEDIA_TYPE";
                message = "request bodies must be application/json";
                break;
            default:
                if (status >= 500) {
                    return ApiError.of(Failures.translate(w));
                }
                // The runtime's own message names its classes and methods: never pass it on.
                reason = "INVALID_REQUEST";
                message = "the request is malformed (HTTP " + status + ")";
        }
        return ApiError.of(status, reason, message, null);
    }
}
