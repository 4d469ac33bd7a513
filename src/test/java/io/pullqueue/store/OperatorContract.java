package io.pullqueue.store;

import static io.pullqueue.core.ErrorCode.OK;
import static io.pullqueue.core.ErrorCode.TASK_LEASE_EXPIRED;
import static io.pullqueue.core.ErrorCode.TOMBSTONED_TASK;
import static io.pullqueue.core.ErrorCode.UNKNOWN_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueSample;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskQuery;
import io.pullqueue.core.TaskQuery.Order;
import io.pullqueue.core.TaskQuery.State;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** taskSearch, taskMakeDue and the queue samples: what the console reads and does. */
public interface OperatorContract extends StoreFixture {

    default TaskListing search(State state, String tag, Order order, TaskQuery.Cursor after, int limit) {
        return store().taskSearch(new TaskQuery(Q, state, Tag.of(tag), order, after, limit, NOW));
    }

    /** Every page of a search, followed cursor by cursor, as one list of names. */
    default List<String> allPages(State state, String tag, Order order, int pageSize) {
        List<String> names = new ArrayList<>();
        TaskQuery.Cursor after = null;
        do {
            TaskListing page = search(state, tag, order, after, pageSize);
            names.addAll(names(page.tasks()));
            after = page.next();
        } while (after != null);
        return names;
    }

    /** due (untagged, red), leased (red), not yet due (untagged, red); one task in the other queue. */
    default void addOneOfEach() {
        add(
                Q,
                task("due-plain", NOW - 20),
                task("due-red", NOW - 30, "red", null),
                task("to-lease", NOW - 40, "red", null),
                task("later-plain", NOW + 50 * SECOND),
                task("later-red", NOW + 40 * SECOND, "red", null));
        add(OTHER, task("elsewhere", NOW - 50));
        assertEquals(
                List.of("to-lease"), names(lease(Q, 1, TagFilter.ANY, NOW - 10).leased()));
    }

    @Test
    default void searchFiltersByStateAndTagInEtaOrder() {
        addOneOfEach();

        assertEquals(
                List.of("due-red", "due-plain", "later-red", "later-plain", "to-lease"),
                allPages(State.ANY, null, Order.ETA, 10));
        assertEquals(List.of("due-red", "due-plain"), allPages(State.DUE, null, Order.ETA, 10));
        assertEquals(List.of("to-lease"), allPages(State.LEASED, null, Order.ETA, 10));
        assertEquals(List.of("later-red", "later-plain"), allPages(State.WAITING, null, Order.ETA, 10));
        assertEquals(List.of("due-red", "later-red", "to-lease"), allPages(State.ANY, "red", Order.ETA, 10));
        assertEquals(List.of("due-red"), allPages(State.DUE, "red", Order.ETA, 10));
        assertEquals(List.of("to-lease"), allPages(State.LEASED, "red", Order.ETA, 10));
        assertEquals(
                List.of("later-plain", "later-red", "due-plain", "due-red"),
                allPages(State.ANY, null, Order.ETA_DESC, 1).subList(1, 5));
        assertEquals(
                List.of("due-plain", "due-red", "later-plain", "later-red", "to-lease"),
                allPages(State.ANY, null, Order.NAME, 2));
        assertEquals(List.of(), allPages(State.ANY, "blue", Order.ETA, 10));
    }

    @Test
    default void searchPagesThroughEqualEtasByNameWithoutPayloads() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            expected.add("same-" + i);
        }
        add(Q, expected.stream().map(n -> task(n, NOW - 5)).toArray(NewTask[]::new));
        add(Q, task("earlier", NOW - 6), task("later", NOW - 4));

        List<String> all = new ArrayList<>(List.of("earlier"));
        all.addAll(expected);
        all.add("later");
        assertEquals(all, allPages(State.DUE, null, Order.ETA, 2));
        List<String> reversed = new ArrayList<>(all);
        Collections.reverse(reversed);
        assertEquals(reversed, allPages(State.DUE, null, Order.ETA_DESC, 3));

        TaskListing first = search(State.ANY, null, Order.ETA, null, 2);
        assertEquals(new TaskQuery.Cursor(NOW - 5, "same-0"), first.next());
        Task t = first.tasks().get(0);
        assertNull(t.payload());
        assertEquals(new Task(Q, "earlier", null, payloadOf("earlier").length, null, NOW - 6, 0, NOW, null), t);
        assertNull(search(State.ANY, null, Order.ETA, new TaskQuery.Cursor(NOW - 4, "later"), 2)
                .next());
    }

    @Test
    default void makeDueGivesLeasesBackAndRunsDelayedTasksNow() {
        addOneOfEach();
        long token = stored(Q, "to-lease").etaUsec();
        delete(Q, "due-plain");

        assertEquals(
                List.of(OK, OK, OK, TOMBSTONED_TASK, UNKNOWN_TASK),
                store().taskMakeDue(Q, List.of("to-lease", "later-red", "due-red", "due-plain", "never"), NOW));

        Task given = stored(Q, "to-lease");
        assertEquals(NOW, given.etaUsec(), "the lease is given back");
        assertEquals(1, given.retryCount(), "the lease it had still counts");
        assertEquals(NOW, stored(Q, "later-red").etaUsec(), "the delayed task is due now");
        assertEquals(NOW - 30, stored(Q, "due-red").etaUsec(), "a due task keeps its ETA");
        assertEquals(
                TASK_LEASE_EXPIRED,
                store().taskModifyLease(Q, "to-lease", token, NOW + LEASE, NOW),
                "the old holder's token no longer matches");
        assertTrue(leaseNames(Q, NOW).containsAll(List.of("to-lease", "later-red")), "a lease takes both now");
        assertEquals(NOW - 50, stored(OTHER, "elsewhere").etaUsec());
    }

    @Test
    default void samplesSumEveryServersActivityAndKeepTheLargestBacklog() {
        long t0 = NOW;
        long t1 = NOW + 10 * SECOND;
        store().sampleAdd(
                        "a",
                        Map.of(
                                Q,
                                new QueueSample(t0, 10, 6, 4, 3 * SECOND, 5, 2, 1),
                                OTHER,
                                new QueueSample(t0, 99, 99, 0, 0, 99, 99, 99)));
        store().sampleAdd("b", Map.of(Q, new QueueSample(t0, 12, 7, 5, 4 * SECOND, 1, 3, 2)));
        store().sampleAdd("a", Map.of(Q, new QueueSample(t1, 8, 8, 0, SECOND, 0, 0, 4)));
        store().sampleAdd("a", Map.of(Q, new QueueSample(t1, 9, 9, 0, 2 * SECOND, 1, 1, 1)));

        assertEquals(
                List.of(
                        new QueueSample(t0, 12, 7, 5, 4 * SECOND, 6, 5, 3),
                        new QueueSample(t1, 9, 9, 0, 2 * SECOND, 1, 1, 5)),
                store().sampleRead(Q, t0),
                "per time: backlog the largest, activity summed (also a rewrite's)");
        assertEquals(1, store().sampleRead(Q, t0 + 1).size());

        assertEquals(3, store().samplePrune(t1));
        assertEquals(
                List.of(t1),
                store().sampleRead(Q, 0).stream().map(QueueSample::atUsec).toList());
        assertEquals(List.of(), store().sampleRead(OTHER, 0));
    }
}
