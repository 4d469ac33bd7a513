package io.pullqueue.api.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A request body of a declared length read without a thread: the container calls back as bytes arrive
 * (non-blocking I/O), and once the whole body is in memory the request is dispatched again, its door reading the
 * body from there. Held within the body's {@link MemoryBudget.Reservation}, given back when the door is done.
 */
final class BufferedBody {
    private static final Logger LOG = Logger.getLogger(BufferedBody.class.getName());
    private static final String ATTRIBUTE = BufferedBody.class.getName();

    /** Answers a body that could not be read (status, message) in the door's shape. */
    interface Refusal {
        void write(int status, String message) throws IOException;
    }

    private final byte[] bytes;
    private final MemoryBudget.Reservation reservation;

    private BufferedBody(byte[] bytes, MemoryBudget.Reservation reservation) {
        this.bytes = bytes;
        this.reservation = reservation;
    }

    /**
     * Starts reading the body of {@code length} bytes; returns at once. The request is dispatched again when the
     * body is complete; a body not complete within {@code timeoutMillis}, or cut short, is refused.
     */
    static void read(HttpServletRequest req, HttpServletResponse resp, int length, long timeoutMillis,
            MemoryBudget.Reservation reservation, Refusal refusal) throws IOException {
        AsyncContext ac = req.startAsync();
        ac.setTimeout(timeoutMillis);
        AtomicBoolean over = new AtomicBoolean();
        Runnable refuse = () -> {
            // Called at most once: the answer is written and the cycle completed here, or the request goes on.
            reservation.release();
            try {
                refusal.write(408, "the request body did not arrive within " + timeoutMillis
                        + " ms (pullqueue.request.body.timeout.ms)");
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "a refusal could not be written", e);
            }
            ac.complete();
        };
        ac.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                if (over.compareAndSet(false, true)) {
                    refuse.run();
                }
            }

            @Override
            public void onError(AsyncEvent event) {
                if (over.compareAndSet(false, true)) {
                    reservation.release();
                    ac.complete();
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
                // Given back by the door's pass too; here also when the request ended before that (a caller
                // refused by the security filter on the second pass). Giving back twice gives back once.
                over.set(true);
                reservation.release();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // Not reused.
            }
        });
        ServletInputStream in = req.getInputStream();
        byte[] bytes = new byte[length];
        in.setReadListener(new ReadListener() {
            private int at;

            @Override
            public void onDataAvailable() throws IOException {
                while (at < length && in.isReady()) {
                    int n = in.read(bytes, at, length - at);
                    if (n < 0) {
                        return;
                    }
                    at += n;
                }
            }

            @Override
            public void onAllDataRead() {
                if (!over.compareAndSet(false, true)) {
                    return;
                }
                if (at < length) {
                    reservation.release();
                    try {
                        refusal.write(400, "the request body ended after " + at + " of its " + length + " bytes");
                    } catch (IOException | RuntimeException e) {
                        LOG.log(Level.FINE, "a refusal could not be written", e);
                    }
                    ac.complete();
                    return;
                }
                req.setAttribute(ATTRIBUTE, new BufferedBody(bytes, reservation));
                ac.dispatch();
            }

            @Override
            public void onError(Throwable t) {
                // The client went away or stopped sending for the read timeout: nothing to answer.
                if (over.compareAndSet(false, true)) {
                    reservation.release();
                    ac.complete();
                }
            }
        });
    }

    /** The body read for this request, taken from it; null when its body was not read this way. */
    static BufferedBody take(HttpServletRequest req) {
        Object b = req.getAttribute(ATTRIBUTE);
        if (b instanceof BufferedBody body) {
            req.removeAttribute(ATTRIBUTE);
            return body;
        }
        return null;
    }

    void release() {
        reservation.release();
    }

    /** {@code req} with this body as its input. */
    HttpServletRequest request(HttpServletRequest req) {
        return new HttpServletRequestWrapper(req) {
            private final ByteArrayInputStream data = new ByteArrayInputStream(bytes);
            private final ServletInputStream stream = new ServletInputStream() {
                @Override
                public int read() {
                    return data.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return data.read(b, off, len);
                }

                @Override
                public int available() {
                    return data.available();
                }

                @Override
                public boolean isFinished() {
                    return data.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        if (data.available() > 0) {
                            listener.onDataAvailable();
                        }
                        listener.onAllDataRead();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }
            };

            @Override
            public ServletInputStream getInputStream() {
                return stream;
            }

            @Override
            public BufferedReader getReader() {
                Charset cs = StandardCharsets.UTF_8;
                String enc = getCharacterEncoding();
                try {
                    cs = enc == null ? cs : Charset.forName(enc);
                } catch (IllegalArgumentException e) {
                    // An unknown charset: read as UTF-8, the only one the doors speak.
                }
                return new BufferedReader(new InputStreamReader(stream, cs));
            }
        };
    }
}
