package io.pullqueue.core;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rules of App Engine pull queues (docs/semantics.md), over any {@link TaskStore}. Every door calls
 * these methods; none of them holds a rule of its own. Time comes from the injected {@link Clock}.
 */
public final class PullQueueEngine {
    private final TaskStore store;
    private final QueueRegistry registry;
    private final Clock clock;
    private final EngineSettings settings;
    private final LeaseFigures figures;
    private final QueueActivity activity = new QueueActivity();
    private final List<TaskAvailabilityListener> listeners = new CopyOnWriteArrayList<>();
    private final TaskAdds adds;
    private final TaskLeases leases;
    /** The retry-limit sweep scans a queue's due tasks: a queue where that takes long is swept less often. */
    private final CostSpacing sweeps;

    public PullQueueEngine(TaskStore store, QueueRegistry registry, Clock clock, EngineSettings settings) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.settings = settings;
        this.sweeps = new CostSpacing(
                "the retry-limit sweep", settings.maintenanceInterval().toNanos());
        this.figures = store.leaseFigures();
        this.adds = new TaskAdds(store, activity, this::notifyAvailable);
        this.leases = new TaskLeases(store, figures, activity, this::notifyAvailable);
    }

    public void addListener(TaskAvailabilityListener listener) {
        listeners.add(listener);
    }

    /**
     * Passes on that tasks may have become leasable in {@code queue} through another server instance sharing the
     * store (see {@link TaskStore#watchOtherInstances}).
     */
    public void tasksAvailableElsewhere(String queue) {
        notifyAvailable(queue);
    }

    public long nowUsec() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    }

    public Collection<QueueSpec> queues() {
        return registry.all();
    }

    /**
     * Adds up to 100 tasks. If any task is invalid, nothing is added: that task gets its error and every
     * other task SKIPPED. Otherwise each task is inserted on its own: OK, TASK_ALREADY_EXISTS or
     * TOMBSTONED_TASK.
     *
     * @throws QueueException for errors of the whole call (unknown queue, push queue, too many tasks)
     */
    public List<AddResult> add(String queue, List<TaskDraft> drafts) {
        QueueSpec spec = requireQueue(queue);
        TaskAdds.checkTaskCount(drafts);
        return adds.add(queue, spec, drafts, Collections.nCopies(drafts.size(), null), null, true, nowUsec());
    }

    /**
     * App Engine's {@code BulkAdd} (semantics.md §4.1, the stub's rules). Each task is validated on its own, its
     * queue included: an unknown or malformed queue name is the error of every task that is otherwise valid, not of
     * the call. A task in {@code refusals} (non-null at its index) is invalid with that error, which its door found.
     * If any task is invalid, nothing is added: each invalid task gets its error, every other task SKIPPED. Only
     * then is the mode checked, for the whole call: every task must be a pull task ({@code pullTasks}) and the queue
     * a pull queue, else INVALID_QUEUE_MODE. Then as {@link #add(String, List)}.
     *
     * @param drafts the tasks; an entry may be {@code null} where {@code refusals} holds an error
     * @throws QueueException for errors of the whole call (too many tasks, the mode)
     */
    public List<AddResult> bulkAdd(
            String queue, List<TaskDraft> drafts, List<QueueException> refusals, boolean pullTasks) {
        TaskAdds.checkTaskCount(drafts);
        QueueSpec spec = null;
        QueueException queueError = null;
        try {
            spec = requireQueue(queue);
        } catch (QueueException e) {
            queueError = e;
        }
        return adds.add(queue, spec, drafts, refusals, queueError, pullTasks, nowUsec());
    }

    /**
     * Leases up to {@code maxTasks} due tasks for {@code leaseSeconds}. Returns an empty list when none are
     * due or when the queue's lease-request throttle is used up for this second.
     */
    public List<Task> lease(String queue, long maxTasks, double leaseSeconds, TagFilter filter) {
        QueueSpec spec = requireQueue(queue);
        requirePull(spec);
        long now = nowUsec();
        return leases.lease(queue, spec, maxTasks, leaseSeconds, filter, now, tombstoneExpiry(now));
    }

    /** True if a lease call on this queue could find a due task now (used by long-poll waiters). */
    public OptionalLong nextEta(String queue) {
        return store.queueNextEta(queue);
    }

    /**
     * Extends (or with 0 s, gives back) the lease whose token is {@code tokenEtaUsec}. Returns the new ETA,
     * which is the new token.
     */
    public long modifyLease(String queue, String name, long tokenEtaUsec, double leaseSeconds) {
        requirePull(requireQueue(queue));
        return leases.modifyLease(queue, name, tokenEtaUsec, leaseSeconds, nowUsec());
    }

    /** Deletes tasks by name; one result per name: OK, UNKNOWN_TASK, TOMBSTONED_TASK or INVALID_TASK_NAME. */
    public List<ErrorCode> delete(String queue, List<String> names) {
        QueueSpec spec = requireQueue(queue);
        requirePull(spec);
        if (names.size() > Limits.MAX_NAMES_PER_DELETE) {
            throw new QueueException(
                    ErrorCode.TOO_MANY_TASKS,
                    "names",
                    "at most " + Limits.MAX_NAMES_PER_DELETE + " names per delete call, got " + names.size());
        }
        long now = nowUsec();
        List<ErrorCode> results = Validation.perValidName(names, valid -> {
            try {
                return store.taskDeleteMany(queue, valid, now, tombstoneExpiry(now));
            } catch (CommitUncertainException e) {
                throw new QueueException(
                        ErrorCode.COMMIT_UNCERTAIN,
                        "names",
                        "the database may or may not have "
                                + "committed this delete; delete again (a name that was deleted answers TOMBSTONED_TASK)",
                        valid);
            }
        });
        activity.deleted(queue, results.stream().filter(c -> c == ErrorCode.OK).count());
        return results;
    }

    /**
     * Deletes one task.
     *
     * @throws QueueException UNKNOWN_TASK, TOMBSTONED_TASK (already deleted) or INVALID_TASK_NAME, field
     *     {@code name}, besides the errors of the whole call
     */
    public void deleteOne(String queue, String name) {
        ErrorCode c = delete(queue, List.of(name)).get(0);
        if (c != ErrorCode.OK) {
            throw new QueueException(
                    c,
                    "name",
                    c == ErrorCode.INVALID_TASK_NAME
                            ? "task name must match [a-zA-Z0-9_-]{1,500}"
                            : c == ErrorCode.TOMBSTONED_TASK
                                    ? "task " + name + " was already deleted"
                                    : "task " + name + " does not exist");
        }
    }

    /** The task with its payload. */
    public Task get(String queue, String name) {
        requirePull(requireQueue(queue));
        Validation.checkTaskName(name);
        Optional<Task> t = store.taskGet(queue, name);
        if (t.isPresent()) {
            return t.get();
        }
        if (store.tombstoneExists(queue, name, nowUsec())) {
            throw new QueueException(ErrorCode.TOMBSTONED_TASK, "name", "task " + name + " was deleted");
        }
        throw new QueueException(ErrorCode.UNKNOWN_TASK, "name", "task " + name + " does not exist");
    }

    /** Tasks in name order, with their payloads when {@code withPayloads} (one read for the whole page). */
    public TaskPage list(String queue, String afterName, int pageSize, boolean withPayloads) {
        requirePull(requireQueue(queue));
        if (pageSize < 1 || pageSize > Limits.MAX_LIST_PAGE_SIZE) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    "pageSize",
                    "pageSize must be between 1 and " + Limits.MAX_LIST_PAGE_SIZE + ", got " + pageSize);
        }
        if (afterName != null) {
            Validation.checkTaskName(afterName);
        }
        return store.taskList(queue, afterName, pageSize, withPayloads);
    }

    public long purge(String queue) {
        requirePull(requireQueue(queue));
        return store.queuePurge(queue, tombstoneExpiry(nowUsec()));
    }

    public void setPaused(String queue, boolean paused) {
        requirePull(requireQueue(queue));
        store.queueSetPaused(queue, paused);
        if (!paused) {
            notifyAvailable(queue);
        }
    }

    public QueueStats stats(String queue) {
        return stats(queue, null);
    }

    /**
     * As {@link #stats(String)}, with the task counts read earlier when {@code counted} is not null (reading them
     * scans the queue's tasks); the paused flag and the lease figures are read now.
     */
    public QueueStats stats(String queue, QueueCounts counted) {
        QueueSpec spec = requireQueue(queue);
        long now = nowUsec();
        if (spec.mode() != QueueMode.PULL) {
            return new QueueStats(spec, false, QueueCounts.EMPTY, 0, 0);
        }
        LeaseFigures.Leased leased = figures.leased(queue, now);
        QueueCounts counts = counted != null ? counted : store.queueCounts(queue, now);
        return new QueueStats(spec, store.queuePaused(queue), counts, leased.lastMinute(), leased.lastHour());
    }

    /** Writes the lease figures that {@link LeaseFigures#record} held back. */
    public void flushLeaseFigures() {
        figures.flush();
    }

    /**
     * Bookkeeping: removes due tasks past their retry limit and expired tombstones, in bounded batches, then lets
     * the store reclaim the space that dead rows take (where the store needs that). A queue whose sweep took long
     * is skipped until twenty times that has passed ({@link CostSpacing}); a lease removes the tasks past their
     * limit that it meets in any case.
     */
    public MaintenanceReport maintain(int batch) {
        long now = nowUsec();
        int exhausted = 0;
        for (QueueSpec spec : registry.all()) {
            if (spec.mode() != QueueMode.PULL) {
                continue;
            }
            long start = System.nanoTime();
            if (sweeps.due(spec.name(), start)) {
                exhausted +=
                        store.taskRemoveExhausted(spec.name(), spec.retryLimit(), now, tombstoneExpiry(now), batch);
                sweeps.ran(spec.name(), start, System.nanoTime());
            }
        }
        sweeps.retain(q -> registry.find(q).isPresent());
        int tombstones = store.tombstoneDeleteExpired(now, batch);
        figures.forget(now, batch);
        return new MaintenanceReport(exhausted, tombstones, store.reclaimSpace());
    }

    public QueueSpec requireQueue(String queue) {
        Validation.checkQueueName(queue);
        return registry.find(queue)
                .orElseThrow(() ->
                        new QueueException(ErrorCode.UNKNOWN_QUEUE, "queue", "queue " + queue + " is not declared"));
    }

    /** What this server added, leased and deleted per queue since the last sample. */
    QueueActivity activity() {
        return activity;
    }

    /** Tells the listeners (long-poll waiters) that tasks of the queue may have become leasable. */
    void tasksAvailable(String queue) {
        notifyAvailable(queue);
    }

    static void requirePull(QueueSpec spec) {
        if (spec.mode() != QueueMode.PULL) {
            throw new QueueException(
                    ErrorCode.INVALID_QUEUE_MODE,
                    "queue",
                    "queue " + spec.name() + " is a push queue; this operation needs a pull queue");
        }
    }

    long tombstoneExpiry(long now) {
        return now + settings.tombstoneTtl().toNanos() / 1000;
    }

    private void notifyAvailable(String queue) {
        for (TaskAvailabilityListener l : listeners) {
            l.tasksAvailable(queue);
        }
    }
}
