package io.pullqueue.api.http;

import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gate every request passes before a door sees it.
 * <ul>
 * <li>A malformed query string or Content-Type is refused (400 naming it).</li>
 * <li>A request body is read into memory only within the memory budget ({@code pullqueue.request.memory.bytes},
 * across all doors): its declared length (a chunked body: as it grows; a gzip body: as it inflates) is reserved
 * before it is read and given back when the answer is done. A body that does not fit waits in a queue up to
 * {@code pullqueue.request.memory.wait.ms}, then gets 503 with Retry-After in its door's shape.</li>
 * <li>The body is read without blocking: a client that sends it slowly holds a connection, not a server thread.
 * The whole body must arrive within {@code pullqueue.request.body.seconds} (then 408). Once it is in, the request
 * is dispatched again with the body in memory (a gzip body inflated, bounded by
 * {@code pullqueue.request.max.bytes}), and the door reads it from there.</li>
 * </ul>
 * A body declared larger than {@code pullqueue.request.max.bytes} goes to its door unread, which refuses it (413).
 */
@WebFilter(filterName = "body-gate", urlPatterns = "/*", asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ASYNC})
public class BodyGate implements Filter {
    private static final Logger LOG = Logger.getLogger(BodyGate.class.getName());
    static final String BODY = BodyGate.class.getName() + ".body";
    /** What a chunked body (no Content-Length) reserves to start with; it grows as the body arrives. */
    static final int FIRST_CHUNK = 64 * 1024;

    @Inject
    ErrorShapes shapes;

    private long maxBytes;
    private MemoryBudget budget;
    private long waitMillis;
    private long bodyMillis;

    @Override
    public void init(FilterConfig config) {
        Config c = ConfigProvider.getConfig();
        maxBytes = c.getValue("pullqueue.request.max.bytes", Long.class);
        long memory = c.getValue("pullqueue.request.memory.bytes", Long.class);
        budget = new MemoryBudget(memory > 0 ? memory : MemoryBudget.defaultBytes());
        waitMillis = c.getValue("pullqueue.request.memory.wait.ms", Long.class);
        bodyMillis = c.getValue("pullqueue.request.body.seconds", Long.class) * 1000;
        LOG.info(() -> "request bodies: at most " + maxBytes + " bytes each, " + budget.bytes()
                + " bytes in memory at once across all doors (then a wait of up to " + waitMillis + " ms, then 503),"
                + " each body within " + bodyMillis / 1000 + " s");
    }

    @Override
    public void doFilter(ServletRequest sreq, ServletResponse sresp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) sreq;
        HttpServletResponse resp = (HttpServletResponse) sresp;
        if (req.getDispatcherType() == DispatcherType.ASYNC) {
            Body body = (Body) req.getAttribute(BODY);
            if (body == null) {
                chain.doFilter(req, resp);
                return;
            }
            req.removeAttribute(BODY);
            try {
                chain.doFilter(new BufferedRequest(req, body), resp);
            } finally {
                body.reservation().release();
            }
            return;
        }
        String path = ErrorShapes.path(req, req.getRequestURI());
        EdgeError bad = RequestChecks.malformed(req);
        if (bad != null) {
            shapes.write(path, req, resp, bad);
            return;
        }
        long declared = req.getContentLengthLong();
        boolean hasBody = declared > 0 || declared < 0 && req.getHeader("Transfer-Encoding") != null;
        if (!hasBody || !req.isAsyncSupported()) {
            chain.doFilter(req, resp);
            return;
        }
        if (declared > maxBytes) {
            refuse(req, resp, path, tooLarge());
            return;
        }
        long need = declared >= 0 ? declared : FIRST_CHUNK;
        MemoryBudget.Reservation r;
        try {
            // The wait blocks this thread on purpose: a request whose body is not read is not read by the server
            // either (an asynchronous wait lets the web container buffer what the client keeps sending).
            r = budget.reserve(need, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = null;
        }
        if (r == null) {
            refuse(req, resp, path, busy());
            return;
        }
        AsyncContext ac = req.startAsync(req, resp);
        ac.setTimeout(bodyMillis);
        BodyReader reader = new BodyReader(this, ac, path, declared, gzip(req));
        ac.addListener(reader);
        reader.start(r);
    }

    /**
     * Answers {@code error} at once, then reads the body to its end into a small scratch buffer and drops it,
     * holding no thread (the web container would otherwise keep what the client sends after the answer in memory
     * until the connection closes), and closes the connection.
     */
    private void refuse(HttpServletRequest req, HttpServletResponse resp, String path, EdgeError error)
            throws IOException {
        resp.setHeader("Connection", "close");
        shapes.write(path, req, resp, error);
        resp.flushBuffer();
        AsyncContext ac = req.startAsync(req, resp);
        ac.setTimeout(bodyMillis);
        BodyReader drain = new BodyReader(this, ac, path, 0, false);
        ac.addListener(drain);
        drain.drain();
    }

    private static boolean gzip(HttpServletRequest req) {
        String e = req.getHeader("Content-Encoding");
        String v = e == null ? "" : e.trim().toLowerCase(Locale.ROOT);
        return v.equals("gzip") || v.equals("x-gzip");
    }

    long maxBytes() {
        return maxBytes;
    }

    ErrorShapes shapes() {
        return shapes;
    }

    EdgeError busy() {
        return new EdgeError(503, "TRANSIENT_ERROR", "the server holds as many request bodies as its memory budget "
                + "allows (" + budget.bytes() + " bytes, pullqueue.request.memory.bytes); retry shortly", null);
    }

    EdgeError tooLarge() {
        return new EdgeError(413, "REQUEST_TOO_LARGE", "the request body is larger than the limit of " + maxBytes
                + " bytes (pullqueue.request.max.bytes)", null);
    }

    EdgeError tooSlow() {
        return new EdgeError(408, "REQUEST_TIMEOUT", "the request body did not arrive within " + bodyMillis / 1000
                + " s (pullqueue.request.body.seconds)", null);
    }

    /** A body read into memory: {@code length} bytes of {@code bytes}, and what it holds of the budget. */
    record Body(byte[] bytes, int length, boolean inflated, MemoryBudget.Reservation reservation) {
    }
}
