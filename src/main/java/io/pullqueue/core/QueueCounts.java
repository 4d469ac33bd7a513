package io.pullqueue.core;

/**
 * Counts a store keeps per queue.
 *
 * @param tasks every stored task, leased ones included
 * @param oldestEtaUsec the smallest ETA, or {@code null} when the queue is empty
 * @param leased tasks held under a lease that has not run out
 * @param due tasks that could be leased now
 */
public record QueueCounts(long tasks, Long oldestEtaUsec, long leased, long due) {
    public static final QueueCounts EMPTY = new QueueCounts(0, null, 0, 0);
}
