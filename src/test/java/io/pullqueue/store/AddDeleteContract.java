package io.pullqueue.store;

import static io.pullqueue.core.ErrorCode.OK;
import static io.pullqueue.core.ErrorCode.TASK_ALREADY_EXISTS;
import static io.pullqueue.core.ErrorCode.TOMBSTONED_TASK;
import static io.pullqueue.core.ErrorCode.UNKNOWN_TASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.NewTask;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** taskAddMany, taskDeleteMany, taskGet and tombstoneExists. */
public interface AddDeleteContract extends StoreFixture {

    @Test
    default void addedTaskComesBackWithEveryField() {
        byte[] payload = new byte[1 << 20];
        payload[0] = 1;
        payload[payload.length - 1] = 2;
        add(Q, new NewTask("t1", payload, Tag.of("tag-1"), NOW + 5, 7));

        Task t = stored(Q, "t1");
        assertEquals(Q, t.queue());
        assertEquals("t1", t.name());
        assertArrayEquals(payload, t.payload());
        assertEquals(payload.length, t.payloadSize());
        assertEquals(Tag.of("tag-1"), t.tag());
        assertEquals(NOW + 5, t.etaUsec());
        assertEquals(0, t.retryCount());
        assertEquals(NOW, t.createdUsec(), "created is the add time");
        assertEquals(7, t.retryLimit());
    }

    @Test
    default void untaggedTaskWithEmptyPayloadAndNoLimitRoundTrips() {
        add(Q, new NewTask("t1", new byte[0], null, NOW, null));

        Task t = stored(Q, "t1");
        assertArrayEquals(new byte[0], t.payload());
        assertEquals(0, t.payloadSize());
        assertNull(t.tag());
        assertNull(t.retryLimit());
    }

    @Test
    default void liveNameIsRejectedAndTheOtherTasksStillGoIn() {
        add(Q, task("b"));

        List<?> results = store().taskAddMany(
                        Q,
                        List.of(task("a"), new NewTask("b", new byte[] {9}, Tag.of("x"), NOW, null), task("c")),
                        NOW);

        assertEquals(List.of(OK, TASK_ALREADY_EXISTS, OK), results);
        assertArrayEquals(payloadOf("b"), stored(Q, "b").payload(), "the existing task is unchanged");
        assertNull(stored(Q, "b").tag());
        assertTrue(store().taskGet(Q, "a").isPresent());
        assertTrue(store().taskGet(Q, "c").isPresent());
    }

    @Test
    default void sameNameTwiceInOneCallKeepsTheFirst() {
        List<?> results = store().taskAddMany(Q, List.of(task("a", NOW), task("a", NOW + 9)), NOW);

        assertEquals(List.of(OK, TASK_ALREADY_EXISTS), results);
        assertEquals(NOW, stored(Q, "a").etaUsec());
    }

    @Test
    default void tombstonedNameIsRejectedUntilItsTombstoneExpires() {
        add(Q, task("a"));
        delete(Q, "a");

        assertEquals(List.of(TOMBSTONED_TASK), store().taskAddMany(Q, List.of(task("a")), TOMBSTONE_EXPIRES - 1));
        assertTrue(store().taskGet(Q, "a").isEmpty());
        assertEquals(
                List.of(OK),
                store().taskAddMany(Q, List.of(task("a")), TOMBSTONE_EXPIRES),
                "a tombstone expiring exactly now no longer blocks");
        assertEquals(TOMBSTONE_EXPIRES, stored(Q, "a").createdUsec());
    }

    @Test
    default void namesAndTombstonesBelongToOneQueue() {
        add(Q, task("a"));
        add(OTHER, task("a"), task("b"));
        delete(OTHER, "b");

        assertEquals(List.of(OK), store().taskAddMany(Q, List.of(task("b")), NOW), "other queue's tombstone");
        assertEquals(List.of(OK), delete(Q, "a"));
        assertTrue(store().taskGet(OTHER, "a").isPresent(), "deleting in one queue keeps the other's task");
        assertTrue(store().tombstoneExists(Q, "a", NOW));
        assertFalse(store().tombstoneExists(OTHER, "a", NOW));
    }

    @Test
    default void deleteReportsEachNameAndTombstonesWhatItDeleted() {
        add(Q, task("live"), task("gone"));
        add(OTHER, task("never"));
        delete(Q, "gone");

        assertEquals(List.of(OK, UNKNOWN_TASK, TOMBSTONED_TASK), delete(Q, "live", "never", "gone"));
        assertTrue(store().taskGet(Q, "live").isEmpty());
        assertTrue(store().tombstoneExists(Q, "live", NOW));
        assertFalse(store().tombstoneExists(Q, "never", NOW));
        assertTrue(store().taskGet(OTHER, "never").isPresent());
    }

    @Test
    default void sameNameTwiceInOneDeleteIsTombstonedTheSecondTime() {
        add(Q, task("a"));

        assertEquals(List.of(OK, TOMBSTONED_TASK), delete(Q, "a", "a"));
    }

    @Test
    default void deleteDoesNotCheckTheLease() {
        add(Q, task("a"));
        lease(Q, 1, TagFilter.ANY, NOW);

        assertEquals(List.of(OK), delete(Q, "a"));
        assertTrue(store().taskGet(Q, "a").isEmpty());
    }

    @Test
    default void tombstoneIsLiveUntilItsExpiry() {
        add(Q, task("a"));
        delete(Q, "a");

        assertTrue(store().tombstoneExists(Q, "a", TOMBSTONE_EXPIRES - 1));
        assertFalse(store().tombstoneExists(Q, "a", TOMBSTONE_EXPIRES));
        assertEquals(
                List.of(UNKNOWN_TASK),
                store().taskDeleteMany(Q, List.of("a"), TOMBSTONE_EXPIRES, TOMBSTONE_EXPIRES * 2),
                "after the tombstone expired the name is unknown");
    }

    @Test
    default void deletingAgainReplacesTheTombstoneExpiry() {
        add(Q, task("a"));
        delete(Q, "a");
        long later = TOMBSTONE_EXPIRES + 1000;
        store().taskAddMany(Q, List.of(task("a")), TOMBSTONE_EXPIRES);

        assertEquals(List.of(OK), store().taskDeleteMany(Q, List.of("a"), TOMBSTONE_EXPIRES, later));
        assertTrue(store().tombstoneExists(Q, "a", later - 1));
        assertFalse(store().tombstoneExists(Q, "a", later));
    }

    @Test
    default void emptyBatchesDoNothing() {
        assertEquals(List.of(), store().taskAddMany(Q, List.of(), NOW));
        assertEquals(List.of(), delete(Q));
    }

    @Test
    default void getFindsNothingForUnknownNamesOrOtherQueues() {
        add(OTHER, task("a"));

        assertEquals(Optional.empty(), store().taskGet(Q, "a"));
        assertEquals(Optional.empty(), store().taskGet(Q, "nope"));
    }
}
