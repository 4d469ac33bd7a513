package io.pullqueue.core;

/**
 * A queue as declared in queue.yaml.
 *
 * @param name the queue name
 * @param mode push or pull
 * @param retryLimit the most leases a task of this queue may receive; {@code null} means unlimited
 * @param acl the access list (pull queues only)
 * @param leaseRequestsPerSecond lease calls per second that may return tasks; 0 means unlimited
 * @param pushRate a push queue's rate as declared (reported to tools; pullqueue does not run push tasks), or
 *     {@code null} for a pull queue
 */
public record QueueSpec(
        String name, QueueMode mode, Integer retryLimit, Acl acl, int leaseRequestsPerSecond, PushRate pushRate) {

    /** App Engine's default {@code bucket_size} of a push queue. */
    public static final double DEFAULT_BUCKET_SIZE = 5;

    /**
     * A push queue's processing rate from queue.yaml.
     *
     * @param rate the {@code rate} as written, e.g. {@code 5/s}
     * @param perSecond the rate in tasks per second
     * @param bucketSize the {@code bucket_size} ({@link #DEFAULT_BUCKET_SIZE} when not given)
     * @param maxConcurrentRequests {@code max_concurrent_requests}, or {@code null}
     */
    public record PushRate(String rate, double perSecond, double bucketSize, Integer maxConcurrentRequests) {}

    public QueueSpec {
        if (acl == null) {
            acl = Acl.NONE;
        }
    }

    /** A pull queue with App Engine's defaults: no retry limit, no ACL, 10 lease calls per second. */
    public static QueueSpec pull(String name) {
        return new QueueSpec(name, QueueMode.PULL, null, Acl.NONE, Limits.DEFAULT_LEASE_REQUESTS_PER_SECOND, null);
    }

    public static QueueSpec push(String name) {
        return new QueueSpec(
                name, QueueMode.PUSH, null, Acl.NONE, 0, new PushRate("5/s", 5, DEFAULT_BUCKET_SIZE, null));
    }

    public QueueSpec withRetryLimit(Integer limit) {
        return new QueueSpec(name, mode, limit, acl, leaseRequestsPerSecond, pushRate);
    }

    public QueueSpec withLeaseRequestsPerSecond(int perSecond) {
        return new QueueSpec(name, mode, retryLimit, acl, perSecond, pushRate);
    }
}
