package io.pullqueue.api.security;

import io.pullqueue.core.Identity;
import io.pullqueue.service.Authenticator;
import io.pullqueue.service.Caller;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Every request passes here first, in this order:
 * <ol>
 * <li>browser security headers on every response (a strict Content-Security-Policy, no framing, no sniffing, no
 * referrer; HSTS on HTTPS);</li>
 * <li>{@link CrossSite}: a request another web site makes through a browser is refused (403), and a native write
 * must be JSON (415);</li>
 * <li>the caller: a local caller of a loopback server needs no credential (the default); otherwise an API key
 * as {@code Authorization: Bearer KEY} on every door, in a {@code SACSID}/{@code ACSID} cookie on
 * {@code /remote_api} (App Engine's login cookies, which the Java SDK's Remote API sends), or as the API ticket
 * ({@code request_id}) of the envelope on {@code /rpc_http}, which {@code RemoteApiServlet} reads; the console's
 * session cookie ({@link ConsoleSignIn}) on the native API. No or an
 * unknown credential: 401 with {@code WWW-Authenticate}.</li>
 * </ol>
 * The call then runs as that {@link Caller}.
 */
@WebFilter(filterName = "security", urlPatterns = "/*", asyncSupported = true)
public class SecurityFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    /** Set when an /rpc_http caller must be identified by the envelope's API ticket. */
    public static final String TICKET_NEEDED = "io.pullqueue.ticket.needed";

    static final String CHALLENGE = "Bearer realm=\"pullqueue\"";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    @Inject
    transient Authenticator authenticator;

    @Inject
    transient CrossSite crossSite;

    @Inject
    transient ConsoleSessions sessions;

    @Override
    @SuppressWarnings("try") // the resource is a scope: closing it is all it does
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        headers(req, resp);
        String path = req.getRequestURI().substring(req.getContextPath().length());
        Door door = Door.of(path);
        if (!crossSite.check(req, resp, door)) {
            return;
        }
        if (!door.guarded()) {
            chain.doFilter(req, resp);
            return;
        }
        Optional<Identity> who = authenticator.withoutCredential(req.getRemoteAddr());
        if (who.isEmpty()) {
            String key = credential(req, door);
            if (key == null && door == Door.RPC_HTTP) {
                req.setAttribute(TICKET_NEEDED, Boolean.TRUE);
                chain.doFilter(req, resp);
                return;
            }
            who = key == null && door == Door.NATIVE
                    ? sessions.find(ConsoleSignIn.cookie(req))
                    : authenticator.byKey(key);
            if (who.isEmpty()) {
                unauthenticated(
                        resp,
                        door,
                        key == null
                                ? "this server needs a credential: send Authorization: Bearer <API key> (docs/compat.md)"
                                : "the credential is not valid on this server");
                return;
            }
        }
        try (Caller.Scope s = Caller.bind(who.get())) {
            chain.doFilter(req, resp);
        }
    }

    /** The API key the request carries in the way its door's clients can send one, or {@code null}. */
    private static String credential(HttpServletRequest req, Door door) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        if (door == Door.REMOTE_API && req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                if (c.getName().equals("SACSID") || c.getName().equals("ACSID")) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /** A 401 in the door's shape, with the challenge every HTTP client understands. */
    static void unauthenticated(HttpServletResponse resp, Door door, String message) throws IOException {
        resp.setHeader("WWW-Authenticate", CHALLENGE);
        door.refuse(resp, 401, "UNAUTHENTICATED", message);
    }

    private static void headers(HttpServletRequest req, HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        if (req.isSecure()) {
            resp.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
