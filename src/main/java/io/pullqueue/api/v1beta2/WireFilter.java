package io.pullqueue.api.v1beta2;

import io.pullqueue.api.http.BodyLimits;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.Locale;
import java.util.Set;

/**
 * What Google's clients do on the wire before a request reaches a resource method:
 * <ul>
 * <li>{@code X-HTTP-Method-Override} on a POST (NetHttpTransport sends PATCH this way) becomes the method;</li>
 * <li>the body is bounded before it is read (a declared length over the limit is refused at once). A v1beta2
 * body carries at most one task (1 MiB of payload, about 1.4 MB as base64), so the limit is
 * {@value #MAX_BODY_BYTES} bytes, or {@code pullqueue.request.max.bytes} if that is smaller;</li>
 * <li>{@code Content-Encoding: gzip} bodies (the client's default) are inflated, and the inflated stream is
 * bounded again, so a small compressed body can never inflate into memory beyond the limit;</li>
 * <li>{@code alt} other than {@code json} is refused.</li>
 * </ul>
 */
@PreMatching
public class WireFilter implements ContainerRequestFilter {
    static final String OVERRIDE = "X-HTTP-Method-Override";
    private static final Set<String> METHODS =
            Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    static final long MAX_BODY_BYTES = 2L * 1024 * 1024;

    private final long maxBytes = Math.min(MAX_BODY_BYTES, BodyLimits.configuredMax());

    /** The message for a body over the limit. */
    static String tooLarge() {
        return "the request body is larger than the limit of " + Math.min(MAX_BODY_BYTES, BodyLimits.configuredMax())
                + " bytes (after gzip decompression) for a v1beta2 request";
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        String override = ctx.getHeaderString(OVERRIDE);
        if (override != null && !override.isBlank()) {
            String m = override.trim().toUpperCase(Locale.ROOT);
            if (!HttpMethod.POST.equals(ctx.getMethod()) || !METHODS.contains(m)) {
                ctx.abortWith(GoogleErrors.SHAPE.response(
                        400,
                        "INVALID_REQUEST",
                        OVERRIDE + " " + override + " is not allowed; only a POST may be overridden, to one of "
                                + METHODS,
                        OVERRIDE));
                return;
            }
            ctx.setMethod(m);
        }
        String alt = ctx.getUriInfo().getQueryParameters().getFirst("alt");
        if (alt != null && !alt.equals("json")) {
            ctx.abortWith(GoogleErrors.SHAPE.response(
                    400, "INVALID_REQUEST", "alt=" + alt + " is not supported; only alt=json", "alt"));
            return;
        }
        try {
            ctx.setEntityStream(BodyLimits.decode(ctx, maxBytes));
        } catch (BodyLimits.RejectedBody r) {
            ctx.abortWith(
                    r.status == 413
                            ? GoogleErrors.SHAPE.response(413, "REQUEST_TOO_LARGE", tooLarge(), null)
                            : GoogleErrors.SHAPE.response(r.status, "INVALID_REQUEST", r.getMessage(), r.field));
        }
    }
}
