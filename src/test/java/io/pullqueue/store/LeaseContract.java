package io.pullqueue.store;

import static io.pullqueue.core.ErrorCode.TOMBSTONED_TASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** taskLease: which tasks, in what order, what changes, and the tag filters. */
public interface LeaseContract extends StoreFixture {

    @Test
    default void leasesDueTasksInEtaThenCreationOrder() {
        add(Q, task("z-first", NOW - 10), task("m", NOW - 20));
        add(Q, task("a-second", NOW - 10));
        add(OTHER, task("other", NOW - 30));

        assertEquals(List.of("m", "z-first", "a-second"), leaseNames(Q, NOW), "by ETA, then by creation (not by name)");
    }

    @Test
    default void taskDueExactlyNowIsLeasedAndALaterOneIsNot() {
        add(Q, task("now", NOW), task("later", NOW + 1));

        assertEquals(List.of("now"), leaseNames(Q, NOW));
        assertEquals(List.of("later"), leaseNames(Q, NOW + 1));
    }

    @Test
    default void leaseSetsTheNewEtaAndCountsTheLease() {
        add(Q, task("a", NOW, "t", 5));

        Task leased = lease(Q, 10, TagFilter.ANY, NOW).leased().get(0);

        assertEquals("a", leased.name());
        assertEquals(Q, leased.queue());
        assertArrayEquals(payloadOf("a"), leased.payload());
        assertEquals(payloadOf("a").length, leased.payloadSize());
        assertEquals(Tag.of("t"), leased.tag());
        assertEquals(NOW + LEASE, leased.etaUsec());
        assertEquals(1, leased.retryCount());
        assertEquals(NOW, leased.createdUsec());
        assertEquals(5, leased.retryLimit());
        Task stored = stored(Q, "a");
        assertEquals(NOW + LEASE, stored.etaUsec());
        assertEquals(1, stored.retryCount());
    }

    @Test
    default void aPausedQueueLeasesNothingAndSaysSoInTheSameTransaction() {
        add(Q, task("a", NOW - 10));
        add(OTHER, task("b", NOW - 10));
        store().queueSetPaused(Q, true);

        LeaseOutcome paused = lease(Q, 10, TagFilter.ANY, NOW);
        assertTrue(paused.paused(), "the store answers PAUSED, not an empty lease");
        assertEquals(List.of(), paused.leased());
        assertEquals(0, stored(Q, "a").retryCount(), "nothing was leased");
        assertEquals(NOW - 10, stored(Q, "a").etaUsec());
        assertEquals(List.of("b"), leaseNames(OTHER, NOW), "other queues lease on");

        store().queueSetPaused(Q, false);
        LeaseOutcome resumed = lease(Q, 10, TagFilter.ANY, NOW);
        assertFalse(resumed.paused());
        assertEquals(List.of("a"), resumed.leased().stream().map(Task::name).toList());
    }

    @Test
    default void leasedTaskComesBackOnlyWhenItsLeaseRunsOut() {
        add(Q, task("a"));
        leaseNames(Q, NOW);

        assertEquals(List.of(), leaseNames(Q, NOW + LEASE - 1));
        Task again = lease(Q, 1, TagFilter.ANY, NOW + LEASE).leased().get(0);
        assertEquals(2, again.retryCount());
        assertEquals(NOW + 2 * LEASE, again.etaUsec());
    }

    @Test
    default void maxTasksBoundsTheResult() {
        add(Q, task("a", NOW - 5), task("b", NOW - 4), task("c", NOW - 3), task("d", NOW - 2), task("e", NOW - 1));

        assertEquals(
                List.of("a", "b", "c"), names(lease(Q, 3, TagFilter.ANY, NOW).leased()));
        assertEquals(List.of("d", "e"), names(lease(Q, 3, TagFilter.ANY, NOW).leased()));
    }

    @Test
    default void tagFilterLeasesOnlyThatTag() {
        add(
                Q,
                task("x1", NOW - 9, "x", null),
                task("u1", NOW - 8),
                task("y1", NOW - 7, "y", null),
                task("x2", NOW - 6, "x", null),
                task("x-later", NOW + 1, "x", null));
        add(OTHER, task("ox", NOW - 10, "x", null));

        assertEquals(
                List.of("x1", "x2"), names(lease(Q, 10, TagFilter.tag("x"), NOW).leased()));
        assertEquals(List.of(), names(lease(Q, 10, TagFilter.tag("nope"), NOW).leased()));
    }

    /** Tags are bytes: ones that are not UTF-8 are kept exactly and told apart from look-alike text tags. */
    @Test
    default void tagsThatAreNotUtf8RoundTripAndLeaseByTag() {
        Tag binary = Tag.ofBytes(new byte[] {(byte) 0xff, 0, (byte) 0xc3, 'x'});
        Tag replaced = Tag.of("\ufffd\u0000\ufffdx");
        add(
                Q,
                new NewTask("b1", payloadOf("b1"), binary, NOW - 9, null),
                task("t1", NOW - 8, "x", null),
                new NewTask("r1", payloadOf("r1"), replaced, NOW - 7, null),
                new NewTask("b2", payloadOf("b2"), Tag.ofBytes(binary.bytes()), NOW - 6, null));

        assertEquals(binary, stored(Q, "b1").tag());
        assertArrayEquals(binary.bytes(), stored(Q, "b1").tag().bytes());
        assertEquals(
                List.of("b1", "b2"),
                names(lease(Q, 10, TagFilter.tag(binary), NOW).leased()));
        assertEquals(binary, store().taskList(Q, "b1", 1, false).tasks().get(0).tag(), "listings too");
        LeaseOutcome oldest = lease(Q, 10, TagFilter.OLDEST_TAG, NOW);
        assertEquals(List.of("t1"), names(oldest.leased()));
        assertEquals(
                List.of("r1"), names(lease(Q, 10, TagFilter.tag(replaced), NOW).leased()));
        assertEquals(
                List.of("b1", "b2"),
                names(store().taskSearch(
                                new TaskQuery(Q, TaskQuery.State.ANY, binary, TaskQuery.Order.ETA, null, 10, NOW))
                        .tasks()),
                "the console's search by tag");
    }

    @Test
    default void oldestTagFollowsTheTagOfTheOldestDueTask() {
        add(
                Q,
                task("u1", NOW - 10),
                task("y1", NOW - 20, "y", null),
                task("x1", NOW - 15, "x", null),
                task("y2", NOW - 5, "y", null),
                task("y-later", NOW + 1, "y", null));
        add(OTHER, task("oz", NOW - 99, "z", null));

        LeaseOutcome out = lease(Q, 10, TagFilter.OLDEST_TAG, NOW);

        assertEquals(List.of("y1", "y2"), names(out.leased()));
        assertEquals(Tag.of("y"), out.leased().get(0).tag());
    }

    @Test
    default void oldestTagLeasesOnlyUntaggedTasksWhenTheOldestIsUntagged() {
        add(Q, task("u1", NOW - 20), task("x1", NOW - 15, "x", null), task("u2", NOW - 10));

        LeaseOutcome out = lease(Q, 10, TagFilter.OLDEST_TAG, NOW);

        assertEquals(List.of("u1", "u2"), names(out.leased()));
        assertNull(out.leased().get(1).tag());
    }

    @Test
    default void oldestTagOnAQueueWithoutDueTasksLeasesNothing() {
        add(Q, task("later", NOW + 1, "x", null));

        assertEquals(0, lease(Q, 10, TagFilter.OLDEST_TAG, NOW).leased().size());
    }

    @Test
    default void queueRetryLimitAllowsThatManyLeasesThenRemovesTheTask() {
        add(Q, task("a"));
        long t = NOW;
        for (int i = 1; i <= 2; i++) {
            assertEquals(i, lease(Q, 1, TagFilter.ANY, t, 2).leased().get(0).retryCount());
            t += LEASE;
        }

        LeaseOutcome third = lease(Q, 1, TagFilter.ANY, t, 2);

        assertEquals(List.of(), third.leased());
        assertEquals(1, third.removedByRetryLimit());
        assertTrue(store().taskGet(Q, "a").isEmpty());
        assertTrue(store().tombstoneExists(Q, "a", t));
        assertEquals(List.of(TOMBSTONED_TASK), store().taskAddMany(Q, List.of(task("a")), t));
    }

    @Test
    default void aTasksOwnRetryLimitWinsOverTheQueues() {
        add(Q, task("own-1", NOW, null, 1), task("own-3", NOW, null, 3));
        lease(Q, 10, TagFilter.ANY, NOW, 2);
        lease(Q, 10, TagFilter.ANY, NOW + LEASE, 2);

        LeaseOutcome third = lease(Q, 10, TagFilter.ANY, NOW + 2 * LEASE, 2);

        assertEquals(List.of("own-3"), names(third.leased()));
        assertEquals(3, third.leased().get(0).retryCount());
        assertTrue(store().taskGet(Q, "own-1").isEmpty(), "own limit 1 removed it on the second lease");
    }

    @Test
    default void retryLimitZeroMeansNeverLeased() {
        add(Q, task("queue-zero"), task("own-zero", NOW, null, 0), task("own-one", NOW, null, 1));

        LeaseOutcome out = lease(Q, 10, TagFilter.ANY, NOW, 0);

        assertEquals(List.of("own-one"), names(out.leased()));
        assertEquals(2, out.removedByRetryLimit());
        assertTrue(store().tombstoneExists(Q, "queue-zero", NOW));
        assertTrue(store().tombstoneExists(Q, "own-zero", NOW));
    }

    @Test
    default void removedTasksAreNotReplacedInTheResult() {
        add(Q, task("dead", NOW - 3, null, 0), task("b", NOW - 2), task("c", NOW - 1));

        LeaseOutcome out = lease(Q, 2, TagFilter.ANY, NOW);

        assertEquals(List.of("b"), names(out.leased()));
        assertEquals(1, out.removedByRetryLimit());
        assertEquals(0, stored(Q, "c").retryCount(), "c was not leased in place of the removed task");
    }

    @Test
    default void withoutLimitsATaskCanBeLeasedAgainAndAgain() {
        add(Q, task("a"));
        for (int i = 1; i <= 5; i++) {
            assertEquals(
                    i,
                    lease(Q, 1, TagFilter.ANY, NOW + (i - 1) * LEASE)
                            .leased()
                            .get(0)
                            .retryCount());
        }
    }

    @Test
    default void emptyQueueLeasesNothing() {
        add(OTHER, task("a"));

        LeaseOutcome out = lease(Q, 10, TagFilter.ANY, NOW);

        assertEquals(List.of(), out.leased());
        assertEquals(0, out.removedByRetryLimit());
    }
}
