package io.pullqueue.api.rest;

import io.pullqueue.api.http.JsonInput;
import jakarta.annotation.Priority;
import jakarta.json.JsonObject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sends a lease call that does not ask to wait ({@code waitSeconds} absent or 0) to the synchronous lease method
 * ({@link QueueResource#leaseNow}), which answers on the request's thread. Only a lease that may wait needs the
 * suspended request of {@link QueueResource#lease}, and suspending one costs a lease call about a tenth of its CPU
 * (an AsyncContext, a JNDI lookup of the timeout executor, the answer written from another thread:
 * docs/performance.md). JAX-RS chooses a method by path and HTTP method, not by body, so this pre-matching filter
 * reads the (small) body and, for a call that will not wait, gives the request the internal method {@link Now}: the
 * way JAX-RS filters override a request's method. Anything it cannot read plainly (no declared length, a long or
 * compressed body, JSON it cannot parse, a bad {@code waitSeconds}) goes the usual way, whose answer is unchanged.
 */
@PreMatching
@Priority(Priorities.USER + 100) // after BodyLimitFilter (Priorities.USER), which bounds the body first
public class LeaseRouting implements ContainerRequestFilter {
    /** The internal method of a lease that does not wait; a request cannot ask for it itself (405). */
    static final String NOW = "PULLQUEUE-LEASE-NOW";
    /**
     * The body of a request this filter routed, as read and as parsed: {@link QueueResource#leaseNow} answers only
     * those, and takes the parsed body from its entity stream (a {@code @Context} request parameter would cost every
     * call a new reflective proxy: RESTEasy makes one per call for each such parameter of an interface type).
     */
    static final class Routed extends ByteArrayInputStream {
        final JsonObject body;

        Routed(byte[] bytes, JsonObject body) {
            super(bytes);
            this.body = body;
        }
    }
    /** A lease body is a handful of fields; a longer one goes the usual way. */
    private static final int MAX_PEEK = 4096;

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod(NOW)
    @interface Now {}

    @Override
    public void filter(ContainerRequestContext ctx) {
        if (!"POST".equals(ctx.getMethod())) {
            return;
        }
        String path = ctx.getUriInfo().getPath(false);
        if (!path.endsWith("/tasks:lease") || !path.startsWith("v1/queues/") && !path.startsWith("/v1/queues/")) {
            return;
        }
        int length = ctx.getLength();
        if (length < 0 || length > MAX_PEEK || ctx.getHeaderString("Content-Encoding") != null) {
            return;
        }
        byte[] body;
        try {
            body = ctx.getEntityStream().readNBytes(length + 1);
        } catch (IOException e) {
            throw JsonInput.invalid(null, "the request body could not be read");
        }
        JsonObject now = notWaiting(body);
        if (now == null) {
            ctx.setEntityStream(new ByteArrayInputStream(body));
            return;
        }
        ctx.setEntityStream(new Routed(body, now)); // the parsed body: leaseNow does not parse it again
        ctx.setMethod(NOW);
    }

    /** The body as parsed if it is a JSON object whose waitSeconds is absent or rounds to 0 ms; else null. */
    private static JsonObject notWaiting(byte[] body) {
        try {
            JsonObject o = JsonInput.object(new ByteArrayInputStream(body));
            Double wait = JsonInput.number(o, "waitSeconds");
            return wait != null && Math.round(wait * 1000) != 0 ? null : o;
        } catch (RuntimeException unreadable) {
            return null; // the usual way reports it
        }
    }
}
