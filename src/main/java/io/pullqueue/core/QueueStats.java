package io.pullqueue.core;

/**
 * A queue's statistics. Task counts come from the store (cluster-wide); the leased-in-the-last-minute/hour
 * figures are counted by this server instance.
 */
public record QueueStats(QueueSpec spec, boolean paused, QueueCounts counts, long leasedLastMinute,
                         long leasedLastHour) {
}
