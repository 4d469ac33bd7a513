package io.pullqueue.store.postgres;

import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.TagFilter;
import io.pullqueue.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Concurrent lease calls on this server for one queue, one filter (any task, or one tag) and one lease time run as
 * one lease statement. While a lease of that kind runs, the calls that come meanwhile wait in line; when it is done,
 * the first of them runs all of them (up to {@link #MAX_TASKS} tasks together) in one transaction, and each gets the
 * next tasks in (ETA, creation) order, as if they had run one after the other in the order they came. One statement,
 * one commit and one pooled connection for the line instead of one each, and the calls no longer compete for the
 * same first due rows. A lone call runs at once, as before. Only small leases ({@link #SMALL} tasks at most) wait in
 * line; larger ones, and leases by "the oldest task's tag", always run at once and alone.
 *
 * <p>A call interrupted while in line (Fault Tolerance's timeout) leaves it and fails: nothing ran for it. Once a run
 * has taken it, it waits for that run's outcome whatever happens: only the outcome can say what it did.
 */
final class LeaseCombiner {
    /**
     * The most tasks a call may ask for to wait in line: a larger lease runs at once, alone, in parallel with the
     * others. Its statement's cost is mostly per task, so running it with others would save little and take away
     * the database's parallelism (four workers leasing 100 tasks each, in line: p99 137 ms against 31 ms).
     */
    static final int SMALL = 10;

    /** The most tasks one combined statement asks for. */
    static final int MAX_TASKS = 1000;

    private final Function<List<LeaseQuery>, List<LeaseOutcome>> runner;
    private final Map<Key, Line> lines = new HashMap<>(); // guarded by this
    private long combinedRuns; // guarded by this

    /**
     * @param runner runs leases of one queue, filter and lease time as one transaction; returns one outcome per
     *     query, in order, or throws (then every one of them failed)
     */
    LeaseCombiner(Function<List<LeaseQuery>, List<LeaseOutcome>> runner) {
        this.runner = runner;
    }

    private record Key(String queue, TagFilter filter, long leaseUsec) {}

    /** Calls of one key while a run of it goes on (the line exists only then): who waits for the next run. */
    private static final class Line {
        final ArrayDeque<Call> waiting = new ArrayDeque<>();
    }

    /** One lease call; its own monitor guards the fields below. */
    private static final class Call {
        final LeaseQuery query;
        List<Call> toRun;
        boolean done;
        LeaseOutcome outcome;
        RuntimeException failure;

        Call(LeaseQuery query) {
            this.query = query;
        }
    }

    LeaseOutcome lease(LeaseQuery query) {
        if (query.filter().kind() == TagFilter.Kind.OLDEST_TAG || query.maxTasks() > SMALL) {
            return runner.apply(List.of(query)).get(0);
        }
        Key key = new Key(query.queue(), query.filter(), query.newEtaUsec() - query.nowUsec());
        Call me = new Call(query);
        List<Call> batch = null;
        synchronized (this) {
            Line line = lines.get(key);
            if (line != null) {
                line.waiting.add(me);
            } else {
                lines.put(key, new Line());
                batch = List.of(me);
            }
        }
        if (batch == null) {
            batch = awaitTurn(key, me);
        }
        if (batch != null) {
            try {
                run(batch);
            } finally {
                handOver(key);
            }
        }
        return result(me);
    }

    /**
     * Waits until {@code me} is done (returns null) or is to run the next batch (returns it). Interrupted while still
     * in line (Fault Tolerance's timeout), it leaves the line: nothing ran for it, and it says so.
     */
    private List<Call> awaitTurn(Key key, Call me) {
        boolean interrupted = false;
        try {
            synchronized (me) {
                while (!me.done && me.toRun == null) {
                    try {
                        me.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                        if (leaveLine(key, me)) {
                            throw new StoreException(
                                    "lease tasks of queue " + key.queue()
                                            + ": interrupted while waiting for the lease before it; nothing was leased",
                                    e);
                        }
                        // already taken into a run: only its outcome can say what it did
                    }
                }
                return me.done ? null : me.toRun;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes {@code me} out of its line if no run has taken it yet. */
    private synchronized boolean leaveLine(Key key, Call me) {
        Line line = lines.get(key);
        return line != null && line.waiting.remove(me);
    }

    private void run(List<Call> batch) {
        List<LeaseQuery> queries = new ArrayList<>(batch.size());
        for (Call c : batch) {
            queries.add(c.query);
        }
        List<LeaseOutcome> outcomes = null;
        RuntimeException failure = null;
        try {
            outcomes = runner.apply(queries);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (outcomes == null && failure == null) { // an Error, which the running thread goes on to throw
                failure = new IllegalStateException(
                        "the lease of queue " + batch.get(0).query.queue() + " failed");
            }
            if (batch.size() > 1) {
                synchronized (this) {
                    combinedRuns++;
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Call c = batch.get(i);
                synchronized (c) {
                    c.done = true;
                    c.outcome = outcomes == null ? null : outcomes.get(i);
                    c.failure = failure;
                    c.notifyAll();
                }
            }
        }
    }

    /** Gives the line to the first call waiting in it, with as many after it as fit, or ends the line's run. */
    private void handOver(Key key) {
        Call next;
        List<Call> toRun = new ArrayList<>();
        synchronized (this) {
            Line line = lines.get(key);
            int tasks = 0;
            while (!line.waiting.isEmpty()
                    && (toRun.isEmpty() || tasks + line.waiting.peek().query.maxTasks() <= MAX_TASKS)) {
                Call c = line.waiting.poll();
                tasks += c.query.maxTasks();
                toRun.add(c);
            }
            if (toRun.isEmpty()) {
                lines.remove(key);
                return;
            }
            next = toRun.get(0);
        }
        synchronized (next) {
            next.toRun = toRun;
            next.notifyAll();
        }
    }

    private static LeaseOutcome result(Call me) {
        synchronized (me) {
            if (me.failure != null) {
                throw me.failure;
            }
            return me.outcome;
        }
    }

    /** Runs of more than one call so far (for tests). */
    synchronized long combinedRuns() {
        return combinedRuns;
    }

    /** Calls waiting in line for the next run of their queue (for tests). */
    synchronized int waiting(String queue) {
        int n = 0;
        for (Map.Entry<Key, Line> e : lines.entrySet()) {
            if (e.getKey().queue().equals(queue)) {
                n += e.getValue().waiting.size();
            }
        }
        return n;
    }
}
