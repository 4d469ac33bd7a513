package io.pullqueue.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * App Engine's lease-request throttle (docs/semantics.md, Lease): per queue, only the first N lease calls in each
 * wall-clock second may return tasks; later calls in that second get an empty result. In this server's memory
 * (see {@link LocalLeaseFigures}).
 */
public final class LeaseThrottle {

    private static final class Window {
        long second = Long.MIN_VALUE;
        int calls;
    }

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * Counts one lease call at {@code nowUsec} and says whether it may return tasks.
     *
     * @param perSecond the queue's limit; 0 or less means unlimited
     */
    public boolean tryAcquire(String queue, int perSecond, long nowUsec) {
        if (perSecond <= 0) {
            return true;
        }
        long second = Math.floorDiv(nowUsec, Limits.USEC_PER_SECOND);
        Window w = windows.computeIfAbsent(queue, q -> new Window());
        synchronized (w) {
            if (w.second != second) {
                w.second = second;
                w.calls = 0;
            }
            w.calls++;
            return w.calls <= perSecond;
        }
    }
}
