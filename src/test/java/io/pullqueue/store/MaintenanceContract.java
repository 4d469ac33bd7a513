package io.pullqueue.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** taskRemoveExhausted and tombstoneDeleteExpired, initialize, and durability across a restart. */
public interface MaintenanceContract extends StoreFixture {

    /** Leases every due task of the queue once at {@code now} (no limit applied). */
    private void leaseAll(String queue, long now) {
        lease(queue, 1000, TagFilter.ANY, now);
    }

    @Test
    default void removeExhaustedTakesOnlyDueTasksPastTheirLimit() {
        add(Q, task("spent"), task("own-spent", NOW, null, 1), task("own-more", NOW, null, 5), task("held"));
        leaseAll(Q, NOW);
        store().taskModifyLease(Q, "held", NOW + LEASE, NOW + 9 * LEASE, NOW);
        add(Q, task("fresh", NOW), task("own-zero", NOW + LEASE, null, 0), task("not-due", NOW + 9 * LEASE, null, 0));
        add(OTHER, task("o"));
        leaseAll(OTHER, NOW);
        long now = NOW + LEASE;

        assertEquals(3, store().taskRemoveExhausted(Q, 1, now, TOMBSTONE_EXPIRES, 100));

        List<String> left = names(store().taskList(Q, null, 100, false).tasks());
        assertEquals(List.of("fresh", "held", "not-due", "own-more"), left);
        assertTrue(store().tombstoneExists(Q, "spent", now));
        assertTrue(store().tombstoneExists(Q, "own-spent", now));
        assertTrue(store().tombstoneExists(Q, "own-zero", now));
        assertTrue(store().taskGet(OTHER, "o").isPresent(), "other queues are not swept");
    }

    @Test
    default void removeExhaustedOfAQueueWithLimitZeroTakesTheTasksNeverLeased() {
        add(Q, task("a"), task("b"), task("own-one", NOW, null, 1), task("not-due", NOW + LEASE));

        assertEquals(2, store().taskRemoveExhausted(Q, 0, NOW, TOMBSTONE_EXPIRES, 100));

        assertEquals(
                List.of("not-due", "own-one"),
                names(store().taskList(Q, null, 100, false).tasks()));
        assertTrue(store().tombstoneExists(Q, "a", NOW));
    }

    @Test
    default void removeExhaustedWorksInBoundedBatches() {
        add(Q, task("a", NOW, null, 0), task("b", NOW, null, 0), task("c", NOW, null, 0));

        assertEquals(2, store().taskRemoveExhausted(Q, null, NOW, TOMBSTONE_EXPIRES, 2));
        assertEquals(1, store().taskRemoveExhausted(Q, null, NOW, TOMBSTONE_EXPIRES, 2));
        assertEquals(0, store().taskRemoveExhausted(Q, null, NOW, TOMBSTONE_EXPIRES, 2));
    }

    @Test
    default void removeExhaustedWithoutAnyLimitRemovesNothing() {
        add(Q, task("a"));
        for (int i = 0; i < 3; i++) {
            leaseAll(Q, NOW + i * LEASE);
        }

        assertEquals(0, store().taskRemoveExhausted(Q, null, NOW + 3 * LEASE, TOMBSTONE_EXPIRES, 100));
        assertTrue(store().taskGet(Q, "a").isPresent());
    }

    @Test
    default void expiredTombstonesAreDeletedInBoundedBatches() {
        add(Q, task("a"), task("b"), task("keep"));
        add(OTHER, task("c"));
        store().taskDeleteMany(Q, List.of("a", "b"), NOW, NOW + 10);
        store().taskDeleteMany(OTHER, List.of("c"), NOW, NOW + 20);
        store().taskDeleteMany(Q, List.of("keep"), NOW, NOW + 30);
        long now = NOW + 25;

        assertEquals(2, store().tombstoneDeleteExpired(now, 2));
        assertEquals(1, store().tombstoneDeleteExpired(now, 2));
        assertEquals(0, store().tombstoneDeleteExpired(now, 2));
        assertTrue(store().tombstoneExists(Q, "keep", now));
        assertEquals(1, store().tombstoneDeleteExpired(NOW + 30, 10), "a tombstone expiring at now is expired");
    }

    @Test
    default void initializingAgainKeepsTheData() {
        add(Q, task("a"));

        store().initialize();
        store().initialize();

        assertTrue(store().taskGet(Q, "a").isPresent());
        assertTrue(store().isReachable());
    }

    @Test
    default void everythingSurvivesARestart() {
        add(Q, task("leased", NOW, "t", 4), task("waiting", NOW + 10), task("gone"));
        lease(Q, 1, TagFilter.ANY, NOW);
        delete(Q, "gone");
        store().queueSetPaused(Q, true);
        Task before = stored(Q, "leased");

        TaskStore restarted = reopen();

        Task after = restarted.taskGet(Q, "leased").orElseThrow();
        assertEquals(
                before.withoutPayload(),
                after.withoutPayload(),
                "tag, ETA (the lease token), retry count, creation time and limit");
        assertArrayEquals(before.payload(), after.payload());
        assertEquals(
                List.of("leased", "waiting"),
                names(restarted.taskList(Q, null, 10, false).tasks()));
        assertTrue(restarted.tombstoneExists(Q, "gone", NOW));
        assertTrue(restarted.queuePaused(Q));
        assertFalse(restarted.queuePaused(OTHER));
        restarted.queueSetPaused(Q, false); // a paused queue leases nothing
        LeaseQuery query = new LeaseQuery(Q, 10, TagFilter.ANY, NOW + 10, NOW + 10 + LEASE, null, TOMBSTONE_EXPIRES);
        assertEquals(
                List.of("waiting"),
                names(restarted.taskLease(query).leased()),
                "the lease taken before the restart still holds");
    }
}
