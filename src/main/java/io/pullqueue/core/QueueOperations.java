package io.pullqueue.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator (the web console) reads and does beyond a worker's calls, over the same engine and store:
 * filtered task pages, making tasks due now (giving leases back, running delayed tasks now), and each queue's
 * history of samples. The rules of these operations live here; the doors only carry them.
 */
public final class QueueOperations {
    /** The most points a history has, however long its window. */
    public static final int MAX_HISTORY_POINTS = 360;
    /** The longest history window, and how long samples are kept. */
    public static final long MAX_HISTORY_USEC = 24L * 3600 * Limits.USEC_PER_SECOND;

    private final PullQueueEngine engine;
    private final TaskStore store;
    private final long samplePeriodUsec;

    /**
     * @param samplePeriodUsec how often samples are taken (the history's finest step)
     */
    public QueueOperations(PullQueueEngine engine, TaskStore store, long samplePeriodUsec) {
        if (samplePeriodUsec <= 0) {
            throw new IllegalArgumentException("the sample period must be positive");
        }
        this.engine = engine;
        this.store = store;
        this.samplePeriodUsec = samplePeriodUsec;
    }

    public long samplePeriodUsec() {
        return samplePeriodUsec;
    }

    /**
     * A page of the queue's tasks in a state, with a tag (any when null), in the given order, after the
     * cursor of the previous page (null for the first).
     */
    public TaskListing search(
            String queue, TaskQuery.State state, Tag tag, TaskQuery.Order order, TaskQuery.Cursor after, int pageSize) {
        PullQueueEngine.requirePull(engine.requireQueue(queue));
        if (pageSize < 1 || pageSize > Limits.MAX_LIST_PAGE_SIZE) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    "pageSize",
                    "pageSize must be between 1 and " + Limits.MAX_LIST_PAGE_SIZE + ", got " + pageSize);
        }
        if (tag != null) {
            Validation.checkTag(tag, "tag");
        }
        if (after != null) {
            Validation.checkTaskName(after.name());
        }
        return store.taskSearch(new TaskQuery(queue, state, tag, order, after, pageSize, engine.nowUsec()));
    }

    /**
     * Makes the named tasks due now: a leased task's lease is given back (the holder's token stops matching, as
     * when the lease runs out; its retry count keeps the lease), a task waiting for a later ETA becomes due. Unlike
     * a worker's modifyLease this needs no token and works on a paused queue: it is the operator's override. One
     * result per name: OK, UNKNOWN_TASK, TOMBSTONED_TASK or INVALID_TASK_NAME; at most 1000 names.
     */
    public List<ErrorCode> runNow(String queue, List<String> names) {
        PullQueueEngine.requirePull(engine.requireQueue(queue));
        if (names.size() > Limits.MAX_NAMES_PER_DELETE) {
            throw new QueueException(
                    ErrorCode.TOO_MANY_TASKS,
                    "names",
                    "at most " + Limits.MAX_NAMES_PER_DELETE + " names per call, got " + names.size());
        }
        long now = engine.nowUsec();
        List<ErrorCode> results = Validation.perValidName(names, valid -> store.taskMakeDue(queue, valid, now));
        if (results.contains(ErrorCode.OK)) {
            engine.tasksAvailable(queue);
        }
        return results;
    }

    /**
     * Writes one sample per pull queue of {@code counts} for the sample period that holds now (the backlog the
     * store counted, and this server's activity since its last sample), then deletes samples older than a day.
     */
    public void sample(String server, Map<String, QueueCounts> counts) {
        long now = engine.nowUsec();
        long at = Math.floorDiv(now, samplePeriodUsec) * samplePeriodUsec;
        Map<String, QueueSample> byQueue = new LinkedHashMap<>();
        for (QueueSpec spec : engine.queues()) {
            QueueCounts c = counts.get(spec.name());
            if (spec.mode() != QueueMode.PULL || c == null) {
                continue;
            }
            long oldestAge = c.due() > 0 && c.oldestEtaUsec() != null ? Math.max(0, now - c.oldestEtaUsec()) : 0;
            QueueActivity.Counts a = engine.activity().take(spec.name());
            byQueue.put(
                    spec.name(),
                    new QueueSample(at, c.tasks(), c.due(), c.leased(), oldestAge, a.added(), a.leased(), a.deleted()));
        }
        if (!byQueue.isEmpty()) {
            store.sampleAdd(server, byQueue);
        }
        store.samplePrune(now - MAX_HISTORY_USEC);
    }

    /** The queue's history over the last {@code windowSeconds} (1 s to a day), in at most 360 points. */
    public QueueHistory history(String queue, long windowSeconds) {
        PullQueueEngine.requirePull(engine.requireQueue(queue));
        long maxSeconds = MAX_HISTORY_USEC / Limits.USEC_PER_SECOND;
        if (windowSeconds < 1 || windowSeconds > maxSeconds) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    "seconds",
                    "seconds must be between 1 and " + maxSeconds + " (a day), got " + windowSeconds);
        }
        long now = engine.nowUsec();
        long from = now - windowSeconds * Limits.USEC_PER_SECOND;
        return QueueHistory.of(store.sampleRead(queue, from), from, now, samplePeriodUsec, MAX_HISTORY_POINTS);
    }
}
