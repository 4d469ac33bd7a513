package io.pullqueue.core;

import java.util.List;

/**
 * What a lease did: the tasks it leased, and how many due tasks it removed instead because they had used up
 * their retry limit (those are not replaced, so the result may be short).
 */
public record LeaseOutcome(List<Task> leased, int removedByRetryLimit) {
    public static final LeaseOutcome EMPTY = new LeaseOutcome(List.of(), 0);
}
