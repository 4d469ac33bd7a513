package io.pullqueue.core;

/**
 * A stored pull task.
 *
 * @param queue the queue it belongs to
 * @param name its name, unique in the queue
 * @param payload its payload bytes, or {@code null} when a listing left them out (see {@link #payloadSize})
 * @param payloadSize the payload's length in bytes
 * @param tag its tag, or {@code null} for an untagged task
 * @param etaUsec when it becomes leasable, in µs since the epoch; while leased, the lease expiry (and token)
 * @param retryCount how many times it has been leased
 * @param createdUsec when it was added, in µs since the epoch
 * @param retryLimit its own retry limit, or {@code null} to use the queue's
 */
public record Task(
        String queue,
        String name,
        byte[] payload,
        int payloadSize,
        Tag tag,
        long etaUsec,
        int retryCount,
        long createdUsec,
        Integer retryLimit) {

    /** True if the task is held under a lease that has not run out at {@code nowUsec}. */
    public boolean isLeased(long nowUsec) {
        return retryCount > 0 && etaUsec > nowUsec;
    }

    public Task withoutPayload() {
        return new Task(queue, name, null, payloadSize, tag, etaUsec, retryCount, createdUsec, retryLimit);
    }
}
