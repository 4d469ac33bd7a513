package io.pullqueue.core;

/**
 * A queue's statistics. Everything comes from the store (cluster-wide); the leased-in-the-last-minute/hour
 * figures from its {@link LeaseFigures}.
 */
public record QueueStats(
        QueueSpec spec, boolean paused, QueueCounts counts, long leasedLastMinute, long leasedLastHour) {}
