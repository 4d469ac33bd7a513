package io.pullqueue.store;

import static io.pullqueue.core.ErrorCode.OK;
import static io.pullqueue.core.ErrorCode.TASK_LEASE_EXPIRED;
import static io.pullqueue.core.ErrorCode.TOMBSTONED_TASK;
import static io.pullqueue.core.ErrorCode.UNKNOWN_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** taskModifyLease: the ETA is the lease token. */
public interface ModifyLeaseContract extends StoreFixture {

    /** Adds task {@code a} and leases it at NOW; returns its token (NOW + LEASE). */
    private long leaseA() {
        add(Q, task("a"));
        return lease(Q, 1, TagFilter.ANY, NOW).leased().get(0).etaUsec();
    }

    @Test
    default void matchingTokenExtendsTheLeaseAndTheOldTokenStopsWorking() {
        long token = leaseA();
        long extended = NOW + 5 * LEASE;

        assertEquals(OK, store().taskModifyLease(Q, "a", token, extended, NOW + 1));

        Task t = stored(Q, "a");
        assertEquals(extended, t.etaUsec());
        assertEquals(1, t.retryCount(), "modifying a lease does not count as a lease");
        assertEquals(TASK_LEASE_EXPIRED, store().taskModifyLease(Q, "a", token, extended + 1, NOW + 2));
        assertEquals(OK, store().taskModifyLease(Q, "a", extended, extended + 1, NOW + 2));
    }

    @Test
    default void wrongTokenIsAnExpiredLeaseAndChangesNothing() {
        long token = leaseA();

        assertEquals(TASK_LEASE_EXPIRED, store().taskModifyLease(Q, "a", token - 1, NOW + 9 * LEASE, NOW));
        assertEquals(token, stored(Q, "a").etaUsec());
    }

    @Test
    default void leaseThatRanOutCannotBeModified() {
        long token = leaseA();

        assertEquals(
                TASK_LEASE_EXPIRED,
                store().taskModifyLease(Q, "a", token, token + LEASE, token),
                "a lease ends at its ETA");
        assertEquals(TASK_LEASE_EXPIRED, store().taskModifyLease(Q, "a", token, token + LEASE, token + 1));
        assertEquals(token, stored(Q, "a").etaUsec());
    }

    @Test
    default void unknownAndDeletedTasksAreReported() {
        long token = leaseA();
        delete(Q, "a");

        assertEquals(TOMBSTONED_TASK, store().taskModifyLease(Q, "a", token, token + 1, NOW));
        assertEquals(UNKNOWN_TASK, store().taskModifyLease(Q, "never", token, token + 1, NOW));
        assertEquals(
                UNKNOWN_TASK,
                store().taskModifyLease(Q, "a", token, token + 1, TOMBSTONE_EXPIRES),
                "once the tombstone expired the name is unknown");
    }

    @Test
    default void taskOfAnotherQueueIsUnknown() {
        long token = leaseA();

        assertEquals(UNKNOWN_TASK, store().taskModifyLease(OTHER, "a", token, token + 1, NOW));
        assertEquals(token, stored(Q, "a").etaUsec());
    }

    @Test
    default void releasingWithNewEtaNowMakesTheTaskDueAgain() {
        long token = leaseA();
        long now = NOW + 10;

        assertEquals(OK, store().taskModifyLease(Q, "a", token, now, now));

        Task again = lease(Q, 1, TagFilter.ANY, now).leased().get(0);
        assertEquals("a", again.name());
        assertEquals(2, again.retryCount());
    }

    @Test
    default void futureTaskThatWasNeverLeasedCanBeMovedWithItsEta() {
        add(Q, task("later", NOW + LEASE));

        assertEquals(OK, store().taskModifyLease(Q, "later", NOW + LEASE, NOW, NOW));
        assertEquals(List.of("later"), leaseNames(Q, NOW));
    }
}
