package io.pullqueue.core;

/**
 * A queue's lease figures that App Engine kept app-wide: the lease-request throttle (semantics.md §12.8) and the
 * tasks leased in the last minute and hour. Where they live is the store's choice ({@link TaskStore#leaseFigures}):
 * in this server's memory when only one server uses the store ({@link LocalLeaseFigures}), in the shared database
 * when several do, so that the throttle and the figures hold for the whole cluster.
 */
public interface LeaseFigures {

    /**
     * Counts one lease call of {@code queue} in the wall-clock second of {@code nowUsec} and says whether it may
     * return tasks: only the first {@code perSecond} calls of a second may.
     *
     * @param perSecond the queue's limit; 0 or less means unlimited (nothing is counted)
     */
    boolean tryAcquire(String queue, int perSecond, long nowUsec);

    /**
     * Records that a lease call at {@code nowUsec} leased {@code tasks} tasks. Never fails the lease. A shared
     * implementation may hold the count for a moment and write it with others ({@link #flush}).
     */
    void record(String queue, int tasks, long nowUsec);

    /** Writes counts that {@link #record} holds back, if any (called every second, and before every read). */
    default void flush() {}

    /** Tasks leased in the 60 and the 3600 seconds up to and including the second of {@code nowUsec}. */
    Leased leased(String queue, long nowUsec);

    /** Forgets what is older than an hour at {@code nowUsec}, up to {@code batch} entries; returns how many. */
    default int forget(long nowUsec, int batch) {
        return 0;
    }

    /** Tasks leased in the last minute and in the last hour. */
    record Leased(long lastMinute, long lastHour) {}
}
