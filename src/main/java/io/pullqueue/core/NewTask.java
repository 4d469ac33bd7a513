package io.pullqueue.core;

/**
 * A task to be added, after validation: its name is chosen and its ETA resolved.
 *
 * @param name the task name (never null here; the engine picks one for unnamed tasks)
 * @param payload the payload bytes
 * @param tag the tag, or {@code null}
 * @param etaUsec when it becomes leasable, µs since the epoch
 * @param retryLimit its own retry limit, or {@code null} to use the queue's
 * @param nameChosen whether the server chose the name (128 random bits: no task or tombstone can hold it yet)
 */
public record NewTask(String name, byte[] payload, Tag tag, long etaUsec, Integer retryLimit, boolean nameChosen) {

    /** A task with the name its client gave. */
    public NewTask(String name, byte[] payload, Tag tag, long etaUsec, Integer retryLimit) {
        this(name, payload, tag, etaUsec, retryLimit, false);
    }
}
