package io.pullqueue.api.http;

import jakarta.inject.Inject;
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
 * The gate every door request passes before its door sees it.
 * <ul>
 * <li>A malformed query string or Content-Type is refused (400 naming it).</li>
 * <li>Request bodies are held in memory only within the memory budget ({@code pullqueue.request.memory.bytes},
 * across all doors): a request reserves its body's declared length (a body without one, or a gzip body, reserves
 * what it may grow to: the door's limit after inflation) before its door reads it, and gives it back when the
 * answer is done. A body that does not fit waits in a queue up to {@code pullqueue.request.memory.wait.ms}, then
 * gets 503 with Retry-After in its door's shape, and the connection is closed.</li>
 * </ul>
 * A body declared larger than {@code pullqueue.request.max.bytes} goes to its door unread, which refuses it (413).
 */
@WebFilter(
        filterName = "body-gate",
        urlPatterns = {"/api/*", "/taskqueue/*", "/remote_api", "/rpc_http"},
        asyncSupported = true)
public class BodyGate implements Filter {
    private static final Logger LOG = Logger.getLogger(BodyGate.class.getName());

    @Inject
    ErrorShapes shapes;

    private long maxBytes;
    private MemoryBudget budget;
    private long waitMillis;

    @Override
    public void init(FilterConfig config) {
        Config c = ConfigProvider.getConfig();
        maxBytes = c.getValue("pullqueue.request.max.bytes", Long.class);
        long memory = c.getValue("pullqueue.request.memory.bytes", Long.class);
        budget = new MemoryBudget(memory > 0 ? memory : MemoryBudget.defaultBytes());
        waitMillis = c.getValue("pullqueue.request.memory.wait.ms", Long.class);
        LOG.info(() -> "request bodies: at most " + maxBytes + " bytes each, " + budget.bytes()
                + " bytes in memory at once across all doors (then a wait of up to " + waitMillis + " ms, then 503)");
    }

    @Override
    public void doFilter(ServletRequest sreq, ServletResponse sresp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) sreq;
        HttpServletResponse resp = (HttpServletResponse) sresp;
        String path = ErrorShapes.path(req, req.getRequestURI());
        EdgeError bad = RequestChecks.malformed(req);
        if (bad != null) {
            shapes.write(path, req, resp, bad);
            return;
        }
        long declared = req.getContentLengthLong();
        boolean hasBody = declared > 0 || declared < 0 && req.getHeader("Transfer-Encoding") != null;
        if (!hasBody || declared > maxBytes) {
            chain.doFilter(req, resp);
            return;
        }
        long need = declared >= 0 && !gzip(req) ? declared : shapes.inflatedLimit(path, maxBytes);
        MemoryBudget.Reservation r;
        try {
            r = budget.reserve(need, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = null;
        }
        if (r == null) {
            // The body stays unread: close the connection after the answer.
            resp.setHeader("Connection", "close");
            shapes.write(path, req, resp, busy());
            return;
        }
        try {
            chain.doFilter(req, resp);
        } finally {
            r.release();
        }
    }

    private static boolean gzip(HttpServletRequest req) {
        String e = req.getHeader("Content-Encoding");
        String v = e == null ? "" : e.trim().toLowerCase(Locale.ROOT);
        return v.equals("gzip") || v.equals("x-gzip");
    }

    EdgeError busy() {
        return new EdgeError(
                503,
                "TRANSIENT_ERROR",
                "the server holds as many request bodies as its memory budget " + "allows (" + budget.bytes()
                        + " bytes, pullqueue.request.memory.bytes); retry shortly",
                null);
    }
}
