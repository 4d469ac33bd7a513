package io.pullqueue.api.rest;

import io.pullqueue.api.http.BodyLimits;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/** The native API's body bound ({@link BodyLimits}), its refusals in the native error shape. */
@PreMatching
public class BodyLimitFilter implements ContainerRequestFilter {

    private final long maxBytes = BodyLimits.configuredMax();

    @Override
    public void filter(ContainerRequestContext ctx) {
        try {
            ctx.setEntityStream(BodyLimits.decode(ctx, maxBytes));
        } catch (BodyLimits.RejectedBody r) {
            ctx.abortWith(ApiError.SHAPE.response(
                    r.status,
                    r.status == 413 ? "REQUEST_TOO_LARGE" : "INVALID_REQUEST",
                    r.status == 413 ? BodyLimits.tooLarge(maxBytes) : r.getMessage(),
                    r.field));
        }
    }
}
