package io.pullqueue.api.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The bytes of request bodies that may be held in memory at once, across all doors. A request reserves its body's
 * size before the body is read and gives it back when its answer is done. A reservation that does not fit joins a
 * queue, first come first served, and is granted (by a callback, holding no thread while it waits) as soon as enough
 * is given back; its owner gives up on it after a short wait. A body larger than the whole budget needs the whole
 * budget, so it runs alone.
 */
public final class MemoryBudget {
    private final long bytes;
    private long free;
    private final Deque<Waiter> waiters = new ArrayDeque<>();

    public MemoryBudget(long bytes) {
        this.bytes = Math.max(1, bytes);
        this.free = this.bytes;
    }

    /**
     * The budget when none is configured: a sixteenth of the maximum heap (32 MiB of the default 512 MiB, one
     * body of the largest size). A body is held about four times over while its door parses it (the bytes, the
     * parsed text, the decoded payload), and each large array needs contiguous heap regions.
     */
    public static long defaultBytes() {
        return Runtime.getRuntime().maxMemory() / 16;
    }

    public long bytes() {
        return bytes;
    }

    /** Bytes not reserved right now. */
    public synchronized long available() {
        return free;
    }

    private long fit(long n) {
        return Math.max(1, Math.min(n, bytes));
    }

    /** Reserves {@code n} bytes now if they are free and nobody waits before; null otherwise. */
    public synchronized Reservation tryReserve(long n) {
        long k = fit(n);
        if (waiters.isEmpty() && k <= free) {
            free -= k;
            return new Reservation(k);
        }
        return null;
    }

    /**
     * Reserves {@code n} bytes, waiting in the queue up to {@code waitMillis} for them; null when they did not
     * become free in time.
     */
    public Reservation reserve(long n, long waitMillis) throws InterruptedException {
        Reservation now = tryReserve(n);
        if (now != null || waitMillis <= 0) {
            return now;
        }
        java.util.concurrent.CompletableFuture<Reservation> got = new java.util.concurrent.CompletableFuture<>();
        Waiter w = await(n, got::complete);
        try {
            return got.get(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return w.cancel() ? null : got.join();
        } catch (InterruptedException e) {
            if (!w.cancel()) {
                got.join().release();
            }
            throw e;
        }
    }

    /**
     * Queues for {@code n} bytes: {@code granted} receives the reservation once they are free, on the thread that
     * gave them back. The returned waiter can be {@linkplain Waiter#cancel() cancelled} until then.
     */
    public Waiter await(long n, Consumer<Reservation> granted) {
        Waiter w = new Waiter(fit(n), granted);
        synchronized (this) {
            waiters.add(w);
        }
        grant();
        return w;
    }

    /** Hands free bytes to the waiters at the head of the queue, then runs their callbacks outside the lock. */
    private void grant() {
        List<Waiter> ready = new ArrayList<>();
        synchronized (this) {
            while (!waiters.isEmpty() && waiters.peek().need <= free) {
                Waiter w = waiters.poll();
                free -= w.need;
                w.done = true;
                ready.add(w);
            }
        }
        ready.forEach(w -> w.granted.accept(new Reservation(w.need)));
    }

    private void giveBack(long k) {
        synchronized (this) {
            free += k;
        }
        grant();
    }

    /** A place in the queue for bytes. */
    public final class Waiter {
        private final long need;
        private final Consumer<Reservation> granted;
        private boolean done;

        Waiter(long need, Consumer<Reservation> granted) {
            this.need = need;
            this.granted = granted;
        }

        /** Leaves the queue; false when the bytes were already granted (the callback has them). */
        public boolean cancel() {
            boolean left;
            synchronized (MemoryBudget.this) {
                left = !done && waiters.remove(this);
                done = true;
            }
            if (left) {
                grant(); // those behind may fit now
            }
            return left;
        }
    }

    /** Reserved bytes; {@link #release()} gives them back, once. */
    public final class Reservation {
        private long held;

        Reservation(long held) {
            this.held = held;
        }

        /** Grows this reservation to cover {@code n} bytes if they are free now, without waiting. */
        public boolean growTo(long n) {
            synchronized (MemoryBudget.this) {
                long more = fit(n) - held;
                if (more <= 0) {
                    return true;
                }
                if (more > free) {
                    return false;
                }
                free -= more;
                held += more;
                return true;
            }
        }

        public void release() {
            long k;
            synchronized (MemoryBudget.this) {
                k = held;
                held = 0;
            }
            if (k > 0) {
                giveBack(k);
            }
        }
    }
}
