package io.pullqueue.worker;

import java.time.Instant;

/**
 * A queue's backlog for scaling decisions, cluster-wide: {@code due} tasks (leasable now), {@code inFlight} (under
 * a lease), how long the oldest due task has been due, and when the server read these figures ({@code asOf}).
 */
public record Backlog(String queue, long due, long inFlight, double oldestDueAgeSeconds, Instant asOf) {
}
