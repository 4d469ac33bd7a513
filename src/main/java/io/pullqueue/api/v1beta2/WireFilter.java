package io.pullqueue.api.v1beta2;

import io.pullqueue.api.rest.BodyLimitFilter;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * What Google's clients do on the wire before a request reaches a resource method:
 * <ul>
 * <li>{@code X-HTTP-Method-Override} on a POST (NetHttpTransport sends PATCH this way) becomes the method;</li>
 * <li>the body is bounded before it is read (a declared length over the limit is refused at once);</li>
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

    private final long maxBytes = BodyLimitFilter.configuredMax();

    @Override
    public void filter(ContainerRequestContext ctx) {
        String override = ctx.getHeaderString(OVERRIDE);
        if (override != null && !override.isBlank()) {
            String m = override.trim().toUpperCase(Locale.ROOT);
            if (!HttpMethod.POST.equals(ctx.getMethod()) || !METHODS.contains(m)) {
                ctx.abortWith(GoogleErrors.of(400, "INVALID_REQUEST", OVERRIDE + " " + override
                        + " is not allowed; only a POST may be overridden, to one of " + METHODS, OVERRIDE));
                return;
            }
            ctx.setMethod(m);
        }
        String alt = ctx.getUriInfo().getQueryParameters().getFirst("alt");
        if (alt != null && !alt.equals("json")) {
            ctx.abortWith(GoogleErrors.of(400, "INVALID_REQUEST", "alt=" + alt + " is not supported; only alt=json",
                    "alt"));
            return;
        }
        if (ctx.getLength() > maxBytes) {
            ctx.abortWith(GoogleErrors.of(413, "REQUEST_TOO_LARGE", BodyLimitFilter.tooLarge(maxBytes), null));
            return;
        }
        InputStream body = BodyLimitFilter.limit(ctx.getEntityStream(), maxBytes);
        String encoding = ctx.getHeaderString(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (!e.equals("gzip") && !e.equals("x-gzip")) {
                ctx.abortWith(GoogleErrors.of(415, "INVALID_REQUEST", "Content-Encoding " + encoding
                        + " is not supported; send gzip or an uncompressed body", HttpHeaders.CONTENT_ENCODING));
                return;
            }
            try {
                body = BodyLimitFilter.limit(new GZIPInputStream(body), maxBytes);
            } catch (IOException ex) {
                ctx.abortWith(GoogleErrors.of(400, "INVALID_REQUEST",
                        "the body is not gzip data although Content-Encoding says gzip", HttpHeaders.CONTENT_ENCODING));
                return;
            }
            ctx.getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
            ctx.getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        }
        ctx.setEntityStream(body);
    }
}
