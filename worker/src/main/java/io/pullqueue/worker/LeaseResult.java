package io.pullqueue.worker;

import java.util.List;

/**
 * What a lease that also deleted answered ({@link PullQueueClient#lease(String, LeaseOptions, java.util.Collection)}):
 * the leased tasks, and one result per name it deleted first, in order.
 */
public record LeaseResult(List<LeasedTask> tasks, List<DeleteResult> deleted) {
    public LeaseResult {
        tasks = List.copyOf(tasks);
        deleted = List.copyOf(deleted);
    }
}
