package io.pullqueue.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts leased tasks per queue in one-second buckets over the last hour, for "leased in the last minute /
 * hour" statistics. In this server's memory (see {@link LocalLeaseFigures}); memory is fixed (3600 counters per
 * queue).
 */
public final class LeaseCounter {
    private static final int SECONDS = 3600;

    private static final class Ring {
        final long[] second = new long[SECONDS];
        final long[] count = new long[SECONDS];
    }

    private final ConcurrentMap<String, Ring> rings = new ConcurrentHashMap<>();

    public void record(String queue, int tasks, long nowUsec) {
        if (tasks <= 0) {
            return;
        }
        long s = Math.floorDiv(nowUsec, Limits.USEC_PER_SECOND);
        Ring r = rings.computeIfAbsent(queue, q -> new Ring());
        int i = Math.floorMod(s, SECONDS);
        synchronized (r) {
            if (r.second[i] != s) {
                r.second[i] = s;
                r.count[i] = 0;
            }
            r.count[i] += tasks;
        }
    }

    /** Tasks leased in the {@code window} seconds up to and including the second of {@code nowUsec}. */
    public long sum(String queue, int window, long nowUsec) {
        Ring r = rings.get(queue);
        if (r == null) {
            return 0;
        }
        long now = Math.floorDiv(nowUsec, Limits.USEC_PER_SECOND);
        long total = 0;
        synchronized (r) {
            for (int k = 0; k < Math.min(window, SECONDS); k++) {
                long s = now - k;
                int i = Math.floorMod(s, SECONDS);
                if (r.second[i] == s) {
                    total += r.count[i];
                }
            }
        }
        return total;
    }
}
