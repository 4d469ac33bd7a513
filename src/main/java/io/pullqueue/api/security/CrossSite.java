package io.pullqueue.api.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses what another web site asks a browser to send here (cross-site request forgery), in every mode,
 * including the loopback default where no credential is needed:
 * <ul>
 * <li>an {@code Origin} that is not this server's own, or a {@code Sec-Fetch-Site} of {@code cross-site} or
 * {@code same-site} (another port of localhost is the same site), unless the origin is on the CORS allow-list
 * {@code pullqueue.cors.origins} (empty by default): 403. A top-level navigation (following a link to the
 * console) is let through: GET changes nothing;</li>
 * <li>a write on the native API whose body is not {@code application/json}: 415. A plain HTML form can send
 * only form data or text, so it cannot write without a CORS preflight, which the allow-list decides.</li>
 * </ul>
 * An allowed origin's requests are answered with CORS headers, and its preflight requests with 204.
 */
@ApplicationScoped
public class CrossSite {
    private static final Logger LOG = Logger.getLogger(CrossSite.class.getName());

    @Inject
    @ConfigProperty(name = "pullqueue.cors.origins")
    Optional<List<String>> configured;

    private Set<String> allowed = Set.of();

    @PostConstruct
    void init() {
        allowed = configured.orElse(List.of()).stream()
                .map(o -> o.trim().toLowerCase(Locale.ROOT))
                .filter(o -> !o.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (!allowed.isEmpty()) {
            LOG.info(() -> "CORS: browser pages of " + String.join(", ", allowed) + " may call this server");
        }
    }

    /** True when the request may go on; otherwise the refusal (or the preflight's answer) was written. */
    boolean check(HttpServletRequest req, HttpServletResponse resp, Door door) throws IOException {
        String origin = req.getHeader("Origin");
        String site = req.getHeader("Sec-Fetch-Site");
        boolean foreign = origin != null && !origin.equalsIgnoreCase(own(req))
                || site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"));
        if (foreign) {
            if (origin != null && allowed.contains(origin.toLowerCase(Locale.ROOT))) {
                return cors(req, resp, origin);
            }
            if (!navigation(req)) {
                door.refuse(
                        resp,
                        403,
                        "CROSS_SITE",
                        "requests from another web site (Origin "
                                + (origin == null ? "not sent" : origin)
                                + ") are refused; an operator may allow an origin "
                                + "with pullqueue.cors.origins");
                return false;
            }
        }
        // A malformed Content-Type (not merely another type) is left to the body gate's 400, which names the
        // header, whichever of the two filters the container runs first.
        if (door == Door.NATIVE && writes(req) && !json(req) && mediaType(req.getContentType())) {
            door.refuse(
                    resp,
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "request bodies must be application/json, got " + req.getContentType());
            return false;
        }
        return true;
    }

    private static boolean cors(HttpServletRequest req, HttpServletResponse resp, String origin) {
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.addHeader("Vary", "Origin");
        if ("OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null) {
            resp.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
            resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding");
            resp.setHeader("Access-Control-Max-Age", "600");
            resp.setStatus(204);
            return false;
        }
        return true;
    }

    /** This server's origin as the browser sees it: scheme, host and port of the request. */
    private static String own(HttpServletRequest req) {
        String host = req.getHeader("Host");
        return req.getScheme() + "://" + (host == null ? req.getServerName() + ":" + req.getServerPort() : host);
    }

    private static boolean navigation(HttpServletRequest req) {
        return "GET".equals(req.getMethod()) && "navigate".equalsIgnoreCase(req.getHeader("Sec-Fetch-Mode"));
    }

    private static boolean writes(HttpServletRequest req) {
        String m = req.getMethod();
        return m.equals("POST") || m.equals("PUT") || m.equals("PATCH");
    }

    /** Whether {@code type} is absent or of the form {@code type/subtype[;parameters]}: not malformed. */
    private static boolean mediaType(String type) {
        if (type == null || type.isBlank()) {
            return true;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().matches("[\\w!#$%&'*+.^`|~-]+/[\\w!#$%&'*+.^`|~-]+");
    }

    /** JSON, or no body at all (e.g. {@code curl -XPOST .../queues/q:pause}). */
    private static boolean json(HttpServletRequest req) {
        String type = req.getContentType();
        if (type == null) {
            return req.getContentLengthLong() <= 0 && req.getHeader("Transfer-Encoding") == null;
        }
        String t = type.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        return (semi < 0 ? t : t.substring(0, semi)).trim().equals("application/json");
    }
}
