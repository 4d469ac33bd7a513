package io.pullqueue.core;

/**
 * A task to be added, after validation: its name is chosen and its ETA resolved.
 *
 * @param name the task name (never null here; the engine picks one for unnamed tasks)
 * @param payload the payload bytes
 * @param tag the tag, or {@code null}
 * @param etaUsec when it becomes leasable, µs since the epoch
 * @param retryLimit its own retry limit, or {@code null} to use the queue's
 */
public record NewTask(String name, byte[] payload, Tag tag, long etaUsec, Integer retryLimit) {}
