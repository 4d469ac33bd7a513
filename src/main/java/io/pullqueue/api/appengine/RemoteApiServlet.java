package io.pullqueue.api.appengine;

import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.http.BodyLimits;
import io.pullqueue.api.security.SecurityFilter;
import io.pullqueue.core.Identity;
import io.pullqueue.service.Authenticator;
import io.pullqueue.service.Caller;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * App Engine's API protocol over HTTP:
 * <ul>
 * <li>{@code GET /remote_api}: the Remote API handshake, {@code {rtok: <rtok>, app_id: <app id>}} as text;</li>
 * <li>{@code POST /remote_api} (the Java SDK's Remote API) and {@code POST /rpc_http} (the Python and Go
 * runtimes, via {@code API_HOST}/{@code API_PORT}): a {@code remote_api.Request}, answered with HTTP 200 and a
 * {@code remote_api.Response} whatever happens, as Google's clients require.</li>
 * </ul>
 * The body is bounded before it is read ({@code pullqueue.request.max.bytes}): a larger one is answered with
 * {@code rpc_error} REQUEST_TOO_LARGE and never held in memory. When the security filter found no credential
 * on {@code /rpc_http}, the envelope's {@code request_id} (the runtimes' API ticket) must be an API key.
 */
@WebServlet(
        name = "appengine-api",
        urlPatterns = {RemoteApiServlet.REMOTE_API, RemoteApiServlet.RPC_HTTP},
        loadOnStartup = 1)
public class RemoteApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RemoteApiServlet.class.getName());
    static final String REMOTE_API = "/remote_api";
    static final String RPC_HTTP = "/rpc_http";
    /** What the handshake may echo back as the rtok (the client's regex reads lower-case tokens only). */
    private static final Pattern RTOK = Pattern.compile("[a-z0-9_.-]{1,64}");

    private static final String OCTETS = "application/octet-stream";

    @Inject
    transient ApiDispatcher dispatcher;

    @Inject
    transient Authenticator authenticator;

    @Inject
    @ConfigProperty(name = "pullqueue.app.id")
    transient String appId;

    private final transient long maxBytes = BodyLimits.configuredMax();

    @Override
    public void init() {
        LOG.info(() -> "App Engine API protocol on " + REMOTE_API + " and " + RPC_HTTP + ": service "
                + ApiDispatcher.SERVICE + ", app id " + appId);
        if (!appId.equals(appId.toLowerCase(Locale.ROOT))) {
            LOG.warning(() -> "pullqueue.app.id " + appId + " has upper-case letters; the App Engine Java SDK "
                    + "cannot read them from the " + REMOTE_API + " handshake: use a lower-case app id");
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String rtok = req.getParameter("rtok");
        String body =
                "{rtok: " + (rtok != null && RTOK.matcher(rtok).matches() ? rtok : "null") + ", app_id: " + appId + "}";
        resp.setContentType("text/plain");
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resp.getWriter().write(body);
    }

    /**
     * Only GET (the handshake, on {@code /remote_api}) and POST (a call) are part of the protocol; any other method
     * gets 405 with {@code Allow} (HttpServlet's default would be 501 for a method it does not know, such as PATCH).
     */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String m = req.getMethod();
        if ("POST".equals(m) || "GET".equals(m) && REMOTE_API.equals(req.getServletPath())) {
            super.service(req, resp);
            return;
        }
        resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        try {
            body = body(req);
        } catch (TooLarge e) {
            write(resp, tooLarge(e.getMessage()));
            return;
        }
        if (req.getAttribute(SecurityFilter.TICKET_NEEDED) == null) {
            write(resp, dispatcher.dispatch(body));
            return;
        }
        // The Python and Go runtimes send no credential header: the caller is the envelope's API ticket.
        Optional<Identity> who = authenticator.byKey(ApiDispatcher.ticket(body));
        if (who.isEmpty()) {
            // Written here, not with sendError: the error page would answer in this door's shape, HTTP 200.
            byte[] text = ("this server needs a credential: put an API key in the envelope's request_id (the API "
                            + "ticket) or send Authorization: Bearer <API key>\n")
                    .getBytes(StandardCharsets.UTF_8);
            resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"pullqueue\"");
            resp.setContentType("text/plain;charset=UTF-8");
            resp.setContentLength(text.length);
            resp.getOutputStream().write(text);
            return;
        }
        write(resp, Caller.as(who.get(), () -> dispatcher.dispatch(body)));
    }

    private byte[] body(HttpServletRequest req) throws TooLarge {
        String tooLarge =
                "the request body is larger than the limit of " + maxBytes + " bytes (pullqueue.request.max.bytes)";
        if (req.getContentLengthLong() > maxBytes) {
            throw new TooLarge(tooLarge);
        }
        try (InputStream in = BodyLimits.limit(req.getInputStream(), maxBytes)) {
            long declared = req.getContentLengthLong();
            // A declared length is read into one array of that size (readAllBytes would hold it twice).
            return declared >= 0 ? in.readNBytes((int) declared) : in.readAllBytes();
        } catch (IOException e) {
            // Either the limit was passed while reading, or the client went away; in both cases nothing was done.
            throw new TooLarge(e.getMessage() == null ? tooLarge : e.getMessage());
        }
    }

    /** A body refused while it was read. */
    private static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    static RemoteApiPb.Response tooLarge(String detail) {
        return ApiDispatcher.rpcError(
                RemoteApiPb.RpcError.ErrorCode.REQUEST_TOO_LARGE, detail, JavaExceptions.requestTooLarge(detail));
    }

    static void write(HttpServletResponse resp, RemoteApiPb.Response response) throws IOException {
        byte[] bytes = response.toByteArray();
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(OCTETS);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
