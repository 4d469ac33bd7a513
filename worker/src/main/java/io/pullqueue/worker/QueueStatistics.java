package io.pullqueue.worker;

import java.time.Instant;

/**
 * A queue's figures as the server reports them: {@code tasks} stored (leased ones included), {@code due} (leasable
 * now), {@code inFlight} (under a lease), tasks leased in the last minute and hour by the answering server, the
 * oldest ETA ({@code null} when empty).
 */
public record QueueStatistics(String queue, boolean paused, long tasks, long due, long inFlight,
                              long leasedLastMinute, long leasedLastHour, Instant oldestEta) {
}
