package io.pullqueue.core;

/**
 * A queue as declared in queue.yaml.
 *
 * @param name the queue name
 * @param mode push or pull
 * @param retryLimit the most leases a task of this queue may receive; {@code null} means unlimited
 * @param acl the access list (pull queues only)
 * @param leaseRequestsPerSecond lease calls per second that may return tasks; 0 means unlimited
 */
public record QueueSpec(String name, QueueMode mode, Integer retryLimit, Acl acl, int leaseRequestsPerSecond) {

    public QueueSpec {
        if (acl == null) {
            acl = Acl.NONE;
        }
    }

    /** A pull queue with App Engine's defaults: no retry limit, no ACL, 10 lease calls per second. */
    public static QueueSpec pull(String name) {
        return new QueueSpec(name, QueueMode.PULL, null, Acl.NONE, Limits.DEFAULT_LEASE_REQUESTS_PER_SECOND);
    }

    public static QueueSpec push(String name) {
        return new QueueSpec(name, QueueMode.PUSH, null, Acl.NONE, 0);
    }

    public QueueSpec withRetryLimit(Integer limit) {
        return new QueueSpec(name, mode, limit, acl, leaseRequestsPerSecond);
    }

    public QueueSpec withLeaseRequestsPerSecond(int perSecond) {
        return new QueueSpec(name, mode, retryLimit, acl, perSecond);
    }
}
