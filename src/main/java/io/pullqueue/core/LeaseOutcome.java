package io.pullqueue.core;

import java.util.List;

/**
 * What a lease did: the tasks it leased, and how many due tasks it removed instead because they had used up
 * their retry limit (those are not replaced, so the result may be short). {@link #PAUSED} says the queue was
 * paused when the lease's transaction read its flag, and nothing was leased.
 */
public record LeaseOutcome(List<Task> leased, int removedByRetryLimit) {
    public static final LeaseOutcome EMPTY = new LeaseOutcome(List.of(), 0);
    public static final LeaseOutcome PAUSED = new LeaseOutcome(List.of(), 0);

    /** Whether the lease found the queue paused (this exact instance: the store's answer, not an empty lease). */
    public boolean paused() {
        return this == PAUSED;
    }
}
