package io.pullqueue.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tasks added, leased and deleted per queue by this server instance since the last {@link #take}: the activity
 * of a {@link QueueSample}. With several servers each counts its own and the history sums them. One atomic
 * update per call (not per task); a take loses no count that raced with it.
 */
public final class QueueActivity {

    /** Counts taken at once. */
    public record Counts(long added, long leased, long deleted) {
        public static final Counts NONE = new Counts(0, 0, 0);
    }

    private static final class Counters {
        final AtomicLong added = new AtomicLong();
        final AtomicLong leased = new AtomicLong();
        final AtomicLong deleted = new AtomicLong();
    }

    private final Map<String, Counters> counters = new ConcurrentHashMap<>();

    private Counters of(String queue) {
        return counters.computeIfAbsent(queue, q -> new Counters());
    }

    void added(String queue, long n) {
        if (n > 0) {
            of(queue).added.addAndGet(n);
        }
    }

    void leased(String queue, long n) {
        if (n > 0) {
            of(queue).leased.addAndGet(n);
        }
    }

    void deleted(String queue, long n) {
        if (n > 0) {
            of(queue).deleted.addAndGet(n);
        }
    }

    /** The counts since the last take, and starts counting again from zero. */
    public Counts take(String queue) {
        Counters c = counters.get(queue);
        if (c == null) {
            return Counts.NONE;
        }
        return new Counts(c.added.getAndSet(0), c.leased.getAndSet(0), c.deleted.getAndSet(0));
    }
}
