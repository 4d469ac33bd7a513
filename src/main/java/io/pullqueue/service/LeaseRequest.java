package io.pullqueue.service;

import io.pullqueue.core.TagFilter;
import java.time.Duration;

/**
 * A lease call as a door received it.
 *
 * @param queue the queue
 * @param maxTasks the most tasks wanted (1..1000)
 * @param leaseSeconds the lease time (0..604800)
 * @param filter which tasks qualify
 * @param maxWait how long to wait for tasks when none are due (0 = answer at once; at most 20 s)
 */
public record LeaseRequest(String queue, long maxTasks, double leaseSeconds, TagFilter filter, Duration maxWait) {}
