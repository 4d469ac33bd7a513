package io.pullqueue.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskStore;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * What every part of the store contract shares: the store under test, fixed times (µs; no clock, no sleeps)
 * and short ways to add and lease tasks. Queue {@link #Q} is the one under test; {@link #OTHER} holds tasks
 * that no operation on {@code Q} may touch.
 */
public interface StoreFixture {
    long SECOND = 1_000_000L;
    long NOW = 1_700_000_000L * SECOND;
    /** The lease time used by {@link #lease}: leased tasks get ETA = now + LEASE. */
    long LEASE = 60 * SECOND;
    /** When the tombstones written by {@link #delete} and {@link #lease} expire. */
    long TOMBSTONE_EXPIRES = NOW + 9 * 24 * 3600 * SECOND;

    String Q = "queue-a";
    String OTHER = "queue-b";

    /** The store of the current test: fresh, empty and initialized. */
    TaskStore store();

    /** A new store instance over the same database as {@link #store()}, initialized, as after a restart. */
    TaskStore reopen();

    /** An untagged task due at {@link #NOW} without its own retry limit; the payload is the name's bytes. */
    default NewTask task(String name) {
        return task(name, NOW, null, null);
    }

    default NewTask task(String name, long etaUsec) {
        return task(name, etaUsec, null, null);
    }

    default NewTask task(String name, long etaUsec, String tag, Integer retryLimit) {
        return new NewTask(name, payloadOf(name), Tag.of(tag), etaUsec, retryLimit);
    }

    default byte[] payloadOf(String name) {
        return ("payload of " + name).getBytes(StandardCharsets.UTF_8);
    }

    /** Adds the tasks at {@link #NOW}, each expected to go in. */
    default void add(String queue, NewTask... tasks) {
        List<ErrorCode> results = store().taskAddMany(queue, List.of(tasks), NOW);
        assertEquals(Collections.nCopies(tasks.length, ErrorCode.OK), results, "add results");
    }

    /** Leases at {@code now} for {@link #LEASE} without a queue retry limit. */
    default LeaseOutcome lease(String queue, int maxTasks, TagFilter filter, long now) {
        return lease(queue, maxTasks, filter, now, null);
    }

    default LeaseOutcome lease(String queue, int maxTasks, TagFilter filter, long now, Integer queueRetryLimit) {
        return store().taskLease(
                        new LeaseQuery(queue, maxTasks, filter, now, now + LEASE, queueRetryLimit, TOMBSTONE_EXPIRES));
    }

    /** The names of the tasks a lease at {@code now} takes (any tag, up to 1000, no retry limit). */
    default List<String> leaseNames(String queue, long now) {
        return names(lease(queue, 1000, TagFilter.ANY, now).leased());
    }

    default List<ErrorCode> delete(String queue, String... names) {
        return store().taskDeleteMany(queue, List.of(names), NOW, TOMBSTONE_EXPIRES);
    }

    default Task stored(String queue, String name) {
        return store().taskGet(queue, name).orElseThrow(() -> new AssertionError("task " + name + " is missing"));
    }

    default List<String> names(List<Task> tasks) {
        return tasks.stream().map(Task::name).toList();
    }
}
