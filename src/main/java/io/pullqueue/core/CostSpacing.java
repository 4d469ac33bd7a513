package io.pullqueue.core;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Spaces out a periodic piece of bookkeeping per queue by what it costs. Counting a queue's tasks and looking for
 * tasks past their retry limit scan the queue's tasks: on PostgreSQL, after a burst of leases, about a second each
 * for 440,000 tasks, on every server, and the maintenance pass runs every few seconds. A queue whose last run took
 * {@code t} runs again no sooner than {@link #COST_MULTIPLE}&nbsp;×&nbsp;t after that run began, so the work takes
 * at most a twentieth of one database connection's time per queue and server. A run shorter than a twentieth of the
 * pass interval changes nothing. One log line when a queue's runs skip a pass or more, and one when they are back to
 * every pass. Times are {@link System#nanoTime()} values.
 */
public final class CostSpacing {
    private static final Logger LOG = Logger.getLogger(CostSpacing.class.getName());

    public static final int COST_MULTIPLE = 20;

    private final String activity;
    private final long intervalNanos;
    private final Map<String, Long> nextNanos = new ConcurrentHashMap<>();
    private final Set<String> spacedOut = ConcurrentHashMap.newKeySet();

    /**
     * @param activity what runs, for the log ("counting the tasks", "the retry-limit sweep")
     * @param intervalNanos how often the pass runs
     */
    public CostSpacing(String activity, long intervalNanos) {
        this.activity = activity;
        this.intervalNanos = intervalNanos;
    }

    /** Whether the queue's run is due at {@code nowNanos} (always, before its first run). */
    public boolean due(String queue, long nowNanos) {
        Long next = nextNanos.get(queue);
        return next == null || nowNanos - next >= 0;
    }

    /**
     * Records a run for the queue; returns the time to wait before the next one when that is longer than the pass
     * interval, else 0.
     */
    public long ran(String queue, long startNanos, long endNanos) {
        long spacing = COST_MULTIPLE * Math.max(0, endNanos - startNanos);
        if (spacing > intervalNanos) {
            nextNanos.put(queue, startNanos + spacing);
            // logged once it skips a pass or more, so that a queue near the bound does not log at every pass
            if (spacing > 2 * intervalNanos && spacedOut.add(queue)) {
                LOG.info(() -> String.format(
                        "%s of queue %s took %.2f s: it runs every %.0f s (%d times as long) until it is quicker",
                        activity, queue, spacing / 1e9 / COST_MULTIPLE, spacing / 1e9, COST_MULTIPLE));
            }
            return spacing;
        }
        nextNanos.remove(queue);
        if (spacedOut.remove(queue)) {
            LOG.info(() -> activity + " of queue " + queue + " runs at every pass again");
        }
        return 0;
    }

    /** Forgets the queues that {@code keep} rejects (queues no longer declared). */
    public void retain(Predicate<String> keep) {
        nextNanos.keySet().removeIf(keep.negate());
        spacedOut.removeIf(keep.negate());
    }
}
