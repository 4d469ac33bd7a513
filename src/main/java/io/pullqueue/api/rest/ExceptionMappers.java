package io.pullqueue.api.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Maps every failure inside the native API to its error shape ({@link ApiError}). */
final class ExceptionMappers {
    private ExceptionMappers() {}

    /** Domain errors and everything unexpected. */
    public static final class Any implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable t) {
            return ApiError.SHAPE.failure(t);
        }
    }

    /** Errors the JAX-RS runtime raises itself: unknown path, wrong method, unsupported media type. */
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException w) {
            return ApiError.SHAPE.runtimeError(w);
        }
    }
}
