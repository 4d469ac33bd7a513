package io.pullqueue.store;

import static io.pullqueue.core.ErrorCode.OK;
import static io.pullqueue.core.ErrorCode.TOMBSTONED_TASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskPage;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** taskList, queuePurge, queueCounts, queueNextEta and the paused flag. */
public interface QueueContract extends StoreFixture {

    @Test
    default void listPagesInNameOrderWithoutPayloads() {
        add(Q, task("c"), task("a", NOW + 7, "t", 3), task("e"), task("b"), task("d"));
        add(OTHER, task("aa"));

        TaskPage first = store().taskList(Q, null, 2, false);
        assertEquals(List.of("a", "b"), names(first.tasks()));
        assertEquals("b", first.nextCursor());
        Task a = first.tasks().get(0);
        assertNull(a.payload());
        assertEquals(payloadOf("a").length, a.payloadSize());
        assertEquals(new Task(Q, "a", null, payloadOf("a").length, Tag.of("t"), NOW + 7, 0, NOW, 3), a);

        TaskPage second = store().taskList(Q, "b", 2, false);
        assertEquals(List.of("c", "d"), names(second.tasks()));
        assertEquals("d", second.nextCursor());
        TaskPage last = store().taskList(Q, "d", 2, false);
        assertEquals(List.of("e"), names(last.tasks()));
        assertNull(last.nextCursor());
    }

    @Test
    default void listWithPayloadsReadsThemInTheSamePage() {
        add(Q, task("b"), task("a", NOW + 7, "t", 3), task("c"));

        TaskPage page = store().taskList(Q, "a", 1, true);

        assertEquals(List.of("b"), names(page.tasks()));
        assertEquals("b", page.nextCursor());
        Task b = page.tasks().get(0);
        assertArrayEquals(payloadOf("b"), b.payload());
        assertEquals(payloadOf("b").length, b.payloadSize());
        Task a = store().taskList(Q, null, 1, true).tasks().get(0);
        assertArrayEquals(payloadOf("a"), a.payload());
        assertEquals(List.of(Tag.of("t"), NOW + 7, 3), List.of(a.tag(), a.etaUsec(), a.retryLimit()));
    }

    @Test
    default void listEndsWithoutCursorWhenThePageIsExactlyFull() {
        add(Q, task("a"), task("b"));

        TaskPage page = store().taskList(Q, null, 2, false);

        assertEquals(List.of("a", "b"), names(page.tasks()));
        assertNull(page.nextCursor());
        assertEquals(new TaskPage(List.of(), null), store().taskList(OTHER, null, 10, false));
    }

    @Test
    default void purgeRemovesEveryTaskOfTheQueueAndTombstonesTheirNames() {
        add(Q, task("a"), task("b", NOW + LEASE), task("c"));
        lease(Q, 1, TagFilter.ANY, NOW);
        add(OTHER, task("a"));

        assertEquals(3, store().queuePurge(Q, TOMBSTONE_EXPIRES));

        assertEquals(List.of(), store().taskList(Q, null, 10, false).tasks());
        assertTrue(store().tombstoneExists(Q, "b", NOW));
        assertEquals(
                List.of(TOMBSTONED_TASK, OK),
                store().taskAddMany(Q, List.of(task("a"), task("new")), NOW),
                "purged names stay reserved; tasks added after the purge are kept");
        assertTrue(store().taskGet(OTHER, "a").isPresent(), "other queues keep their tasks");
        assertFalse(store().tombstoneExists(OTHER, "a", NOW));
        assertEquals(0, store().queuePurge("empty", TOMBSTONE_EXPIRES));
    }

    @Test
    default void countsSeparateLeasedFromDueTasks() {
        add(Q, task("expired", NOW - 2 * LEASE));
        lease(Q, 1, TagFilter.ANY, NOW - 2 * LEASE); // its lease ran out at NOW - LEASE
        add(Q, task("held", NOW - 10, "h", null), task("due", NOW - 5), task("future", NOW + 5 * LEASE));
        lease(Q, 1, TagFilter.tag("h"), NOW - 10); // held until NOW - 10 + LEASE
        add(OTHER, task("o1"), task("o2"));

        QueueCounts counts = store().queueCounts(Q, NOW);

        assertEquals(4, counts.tasks(), "leased tasks count as tasks");
        assertEquals(NOW - LEASE, counts.oldestEtaUsec());
        assertEquals(1, counts.leased(), "only the held lease; a never-leased future task is not leased");
        assertEquals(2, counts.due(), "a task whose lease ran out is due again");
        assertEquals(QueueCounts.EMPTY, store().queueCounts("empty", NOW));
    }

    @Test
    default void nextEtaIsTheSmallestEtaOfTheQueue() {
        assertEquals(OptionalLong.empty(), store().queueNextEta(Q));
        add(OTHER, task("o", NOW - 99));
        add(Q, task("a", NOW + 20), task("b", NOW + 10));

        assertEquals(OptionalLong.of(NOW + 10), store().queueNextEta(Q));
        lease(Q, 1, TagFilter.ANY, NOW + 10);
        assertEquals(OptionalLong.of(NOW + 20), store().queueNextEta(Q), "a leased task's ETA is its expiry");
    }

    @Test
    default void pausedFlagIsPerQueue() {
        assertFalse(store().queuePaused(Q));

        store().queueSetPaused(Q, true);
        store().queueSetPaused(Q, true);
        assertTrue(store().queuePaused(Q));
        assertFalse(store().queuePaused(OTHER));

        store().queueSetPaused(Q, false);
        assertFalse(store().queuePaused(Q));
    }
}
