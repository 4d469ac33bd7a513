package io.pullqueue.api.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads one request body without blocking, into memory the body's reservation covers, then dispatches the request
 * again with the body attached (see {@link BodyGate}). Every way out (done, too large, over the budget, too slow,
 * client gone) happens once and gives the reservation back unless the body goes on to its door.
 */
final class BodyReader implements ReadListener, AsyncListener {
    private final BodyGate gate;
    private final AsyncContext ac;
    private final String path;
    private final boolean gzip;
    private final long declared;
    private final ServletInputStream in;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile MemoryBudget.Reservation reservation;
    private byte[] buf;
    private int len;
    /** Set once the answer is given: what still arrives is read and dropped. */
    private volatile boolean draining;

    BodyReader(BodyGate gate, AsyncContext ac, String path, long declared, boolean gzip) throws IOException {
        this.gate = gate;
        this.ac = ac;
        this.path = path;
        this.declared = declared;
        this.gzip = gzip;
        this.in = ac.getRequest().getInputStream();
    }

    /** The body's bytes are reserved: start reading (or give them back at once if the request is over). */
    void start(MemoryBudget.Reservation r) {
        reservation = r;
        if (finished.get()) {
            r.release();
            return;
        }
        buf = new byte[(int) (declared >= 0 ? declared : BodyGate.FIRST_CHUNK)];
        in.setReadListener(this);
    }

    private void releaseReservation() {
        MemoryBudget.Reservation r = reservation;
        if (r != null) {
            r.release();
        }
    }

    /** The answer is given already: read the rest of the body and drop it, then complete. */
    void drain() {
        finished.set(true);
        draining = true;
        buf = new byte[16 * 1024];
        in.setReadListener(this);
    }

    @Override
    public void onDataAvailable() throws IOException {
        if (draining) {
            byte[] scratch = buf;
            while (scratch != null && in.isReady() && !in.isFinished() && in.read(scratch) >= 0) {
                // dropped
            }
            return;
        }
        while (!finished.get() && in.isReady() && !in.isFinished()) {
            if (len == buf.length && !grow(len + 1)) {
                return;
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                return;
            }
            len += n;
        }
    }

    /** Makes room for {@code need} bytes within the limit and the budget; false (and answered) when it cannot. */
    private boolean grow(long need) throws IOException {
        if (need > gate.maxBytes()) {
            fail(gate.tooLarge());
            return false;
        }
        long size = Math.min(gate.maxBytes(), Math.max(need, 2L * buf.length));
        if (!reservation.growTo(size)) {
            fail(gate.busy());
            return false;
        }
        buf = Arrays.copyOf(buf, (int) size);
        return true;
    }

    @Override
    public void onAllDataRead() throws IOException {
        if (draining) {
            complete();
            return;
        }
        if (finished.get()) {
            return;
        }
        byte[] body = buf;
        int length = len;
        if (gzip) {
            try {
                byte[] inflated = inflate();
                if (inflated == null) {
                    complete(); // the whole body is in: nothing left to drop
                    return;
                }
                body = inflated;
                length = inflated.length;
            } catch (ZipException | java.io.EOFException e) {
                fail(new EdgeError(400, "INVALID_REQUEST", "the body is not gzip data although Content-Encoding "
                        + "says gzip", "Content-Encoding"));
                complete();
                return;
            }
        }
        if (finished.compareAndSet(false, true)) {
            ac.getRequest().setAttribute(BodyGate.BODY, new BodyGate.Body(body, length, gzip, reservation));
            ac.dispatch();
        }
    }

    /** The inflated body, its growth reserved as it goes; null when it passed the limit or the budget. */
    private byte[] inflate() throws IOException {
        byte[] out = new byte[(int) Math.min(gate.maxBytes(), Math.max(1024, len * 4L))];
        if (!reservation.growTo(len + (long) out.length)) {
            fail(gate.busy());
            return null;
        }
        int n = 0;
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(buf, 0, len))) {
            for (int r; (r = z.read(out, n, out.length - n)) >= 0; ) {
                n += r;
                if (n == out.length) {
                    if (n >= gate.maxBytes()) {
                        if (z.read() >= 0) {
                            fail(gate.tooLarge());
                            return null;
                        }
                        break;
                    }
                    long size = Math.min(gate.maxBytes(), 2L * out.length);
                    if (!reservation.growTo(len + size)) {
                        fail(gate.busy());
                        return null;
                    }
                    out = Arrays.copyOf(out, (int) size);
                }
            }
        }
        buf = null;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    @Override
    public void onError(Throwable t) {
        // The client went away or stopped sending (Liberty's read timeout): nothing was done.
        if (finished.compareAndSet(false, true) || draining) {
            releaseReservation();
            complete();
        }
    }

    private void complete() {
        draining = false;
        buf = null;
        try {
            ac.complete();
        } catch (IllegalStateException ignored) {
            // already completed
        }
    }

    /** Answers {@code e}; the rest of the body is then read and dropped (see {@link BodyGate}). */
    private void fail(EdgeError e) throws IOException {
        if (finished.compareAndSet(false, true)) {
            releaseReservation();
            buf = new byte[16 * 1024];
            HttpServletRequest req = (HttpServletRequest) ac.getRequest();
            HttpServletResponse resp = (HttpServletResponse) ac.getResponse();
            resp.setHeader("Connection", "close");
            gate.shapes().write(path, req, resp, e);
            resp.flushBuffer();
            draining = true;
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        if (draining) {
            complete();
            return;
        }
        fail(gate.tooSlow());
        complete();
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (finished.compareAndSet(false, true)) {
            releaseReservation();
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // A door that starts its own asynchronous answer (a waiting lease) needs nothing from this listener.
    }
}
