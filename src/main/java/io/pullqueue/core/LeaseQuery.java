package io.pullqueue.core;

/**
 * One lease call as the store executes it.
 *
 * @param queue the queue
 * @param maxTasks the most tasks to lease (1..1000)
 * @param filter which tasks qualify
 * @param nowUsec the time of the call; tasks with {@code eta <= nowUsec} are due
 * @param newEtaUsec the ETA leased tasks get (now + lease time): the lease expiry and token
 * @param queueRetryLimit the queue's retry limit, {@code null} for unlimited; a task's own limit wins
 * @param tombstoneExpiresUsec until when the names of tasks removed by the retry limit stay reserved
 */
public record LeaseQuery(
        String queue,
        int maxTasks,
        TagFilter filter,
        long nowUsec,
        long newEtaUsec,
        Integer queueRetryLimit,
        long tombstoneExpiresUsec) {}
