package io.pullqueue.core;

import java.util.List;

/**
 * Leases and lease changes of the {@link PullQueueEngine} (semantics.md §5 and §6): the lease-request throttle,
 * where a lease ends, the lease token, and what a commit the database may not have made means for the tasks and
 * the token.
 */
final class TaskLeases {
    private final TaskStore store;
    private final LeaseFigures figures;
    private final QueueActivity activity;
    private final TaskAvailabilityListener available;

    TaskLeases(TaskStore store, LeaseFigures figures, QueueActivity activity, TaskAvailabilityListener available) {
        this.store = store;
        this.figures = figures;
        this.activity = activity;
        this.available = available;
    }

    /** See {@link PullQueueEngine#lease}; {@code spec} is the pull queue {@code queue}. */
    List<Task> lease(
            String queue,
            QueueSpec spec,
            long maxTasks,
            double leaseSeconds,
            TagFilter filter,
            long now,
            long tombstoneExpiry) {
        Validation.checkLease(maxTasks, leaseSeconds, filter);
        if (!figures.tryAcquire(queue, spec.leaseRequestsPerSecond(), now)) {
            return List.of();
        }
        LeaseQuery q = new LeaseQuery(
                queue,
                (int) maxTasks,
                filter,
                now,
                now + Validation.leaseUsec(leaseSeconds),
                spec.retryLimit(),
                tombstoneExpiry);
        // Selection is serialized by the store, not here: SQLite runs leases inside its single writer (whose commits
        // are grouped, which a lock held across the commit would prevent; leases of one queue and filter that wait
        // for the same commit run as one statement); PostgreSQL skips rows another transaction has locked.
        LeaseOutcome outcome;
        try {
            outcome = store.taskLease(q);
        } catch (CommitUncertainException e) {
            throw new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    null,
                    "the database may or may not have committed "
                            + "this lease; tasks it may have leased are due again when the lease would end, in "
                            + Validation.leaseUsec(leaseSeconds) / Limits.USEC_PER_SECOND + " s; lease again");
        }
        if (outcome.paused()) {
            throw paused(queue);
        }
        figures.record(queue, outcome.leased().size(), now);
        activity.leased(queue, outcome.leased().size());
        return outcome.leased();
    }

    /** See {@link PullQueueEngine#modifyLease}; {@code queue} is a declared pull queue. */
    long modifyLease(String queue, String name, long tokenEtaUsec, double leaseSeconds, long now) {
        requireRunning(queue);
        Validation.checkLeaseSeconds(leaseSeconds, "leaseSeconds");
        Validation.checkTaskName(name);
        long newEta = now + Validation.leaseUsec(leaseSeconds);
        ErrorCode code;
        try {
            code = store.taskModifyLease(queue, name, tokenEtaUsec, newEta, now);
        } catch (CommitUncertainException e) {
            throw new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    "leaseToken",
                    "the database may or may not have "
                            + "committed this lease change of task " + name + ": the lease token is now either "
                            + newEta
                            + " (committed) or still " + tokenEtaUsec
                            + "; retry with the old token, and if that answers "
                            + "TASK_LEASE_EXPIRED, use " + newEta,
                    List.of(name));
        }
        switch (code) {
            case OK:
                break;
            case UNKNOWN_TASK:
                throw new QueueException(code, "name", "task " + name + " does not exist");
            case TOMBSTONED_TASK:
                throw new QueueException(code, "name", "task " + name + " was deleted");
            case TASK_LEASE_EXPIRED:
                throw new QueueException(
                        code, "leaseToken", "the lease on task " + name + " has expired or the token does not match");
            default:
                throw new QueueException(code, "unexpected store result " + code);
        }
        if (newEta <= now) {
            available.tasksAvailable(queue);
        }
        return newEta;
    }

    private void requireRunning(String queue) {
        if (store.queuePaused(queue)) {
            throw paused(queue);
        }
    }

    private static QueueException paused(String queue) {
        return new QueueException(ErrorCode.QUEUE_PAUSED, "queue", "queue " + queue + " is paused");
    }
}
