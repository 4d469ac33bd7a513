package io.pullqueue.core;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

    public PullQueueEngine(TaskStore store, QueueRegistry registry, Clock clock, EngineSettings settings) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.settings = settings;
        this.figures = store.leaseFigures();
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
        checkTaskCount(drafts);
        return add(queue, spec, drafts, Collections.nCopies(drafts.size(), null), null, true);
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
        checkTaskCount(drafts);
        QueueSpec spec = null;
        QueueException queueError = null;
        try {
            spec = requireQueue(queue);
        } catch (QueueException e) {
            queueError = e;
        }
        return add(queue, spec, drafts, refusals, queueError, pullTasks);
    }

    private static void checkTaskCount(List<TaskDraft> drafts) {
        if (drafts.size() > Limits.MAX_TASKS_PER_ADD) {
            throw new QueueException(
                    ErrorCode.TOO_MANY_TASKS,
                    "tasks",
                    "at most " + Limits.MAX_TASKS_PER_ADD + " tasks per add call, got " + drafts.size());
        }
    }

    private List<AddResult> add(
            String queue,
            QueueSpec spec,
            List<TaskDraft> drafts,
            List<QueueException> refusals,
            QueueException queueError,
            boolean pullTasks) {
        long now = nowUsec();
        DraftChecks.Checked checked = DraftChecks.checkAll(queue, drafts, refusals, queueError, now);
        if (checked.refused() != null) {
            return checked.refused();
        }
        if (!pullTasks) {
            throw new QueueException(
                    ErrorCode.INVALID_QUEUE_MODE,
                    "mode",
                    "pullqueue serves pull tasks only; " + "a task without mode PULL cannot be added (queue " + queue
                            + ")");
        }
        requirePull(spec);
        List<NewTask> tasks = checked.tasks();
        List<AddResult> results = new ArrayList<>(drafts.size());
        if (tasks.isEmpty()) {
            return results;
        }
        long bytes = 0;
        for (NewTask t : tasks) {
            bytes += t.payload().length
                    + t.name().length()
                    + (t.tag() == null ? 0 : t.tag().length());
        }
        List<ErrorCode> codes;
        TaskStore.Room room = store.reserveRoom(bytes);
        try {
            codes = store.taskAddMany(queue, tasks, now);
        } catch (CommitUncertainException e) {
            // Every task was named before the commit, so a retry with these names cannot duplicate: a task that
            // was committed answers TASK_ALREADY_EXISTS (or TOMBSTONED_TASK once deleted), the others are added.
            List<String> names = tasks.stream().map(NewTask::name).toList();
            throw new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    "tasks",
                    "the database may or may not have "
                            + "committed this add (" + tasks.size()
                            + " tasks); add them again with these names (a task "
                            + "that was committed answers TASK_ALREADY_EXISTS): " + String.join(", ", names),
                    names);
        } finally {
            room.close();
        }
        int added = 0;
        for (int i = 0; i < tasks.size(); i++) {
            NewTask t = tasks.get(i);
            ErrorCode c = codes.get(i);
            added += c == ErrorCode.OK ? 1 : 0;
            results.add(new AddResult(c, t.name(), drafts.get(i).name() == null, t.etaUsec(), null));
        }
        activity.added(queue, added);
        if (added > 0) {
            notifyAvailable(queue);
        }
        return results;
    }

    /**
     * Leases up to {@code maxTasks} due tasks for {@code leaseSeconds}. Returns an empty list when none are
     * due or when the queue's lease-request throttle is used up for this second.
     */
    public List<Task> lease(String queue, long maxTasks, double leaseSeconds, TagFilter filter) {
        QueueSpec spec = requireQueue(queue);
        requirePull(spec);
        Validation.checkMaxTasks(maxTasks);
        Validation.checkLeaseSeconds(leaseSeconds, "leaseSeconds");
        if (filter.kind() == TagFilter.Kind.TAG) {
            Validation.checkTag(filter.tag(), "tag");
        }
        if (store.queuePaused(queue)) {
            throw new QueueException(ErrorCode.QUEUE_PAUSED, "queue", "queue " + queue + " is paused");
        }
        long now = nowUsec();
        if (!figures.tryAcquire(queue, spec.leaseRequestsPerSecond(), now)) {
            return List.of();
        }
        LeaseQuery q = new LeaseQuery(
                queue,
                (int) maxTasks,
                filter,
                now,
                now + Validation.leaseUsec(leaseSeconds),
                spec.retryLimit(),
                tombstoneExpiry(now));
        // Selection is serialized by the store, not here: SQLite runs each lease alone inside its single writer
        // (whose commits are grouped, which a lock held across the commit would prevent); PostgreSQL skips rows
        // another transaction has locked.
        LeaseOutcome outcome;
        try {
            outcome = store.taskLease(q);
        } catch (CommitUncertainException e) {
            throw new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    null,
                    "the database may or may not have committed "
                            + "this lease; tasks it may have leased are due again when the lease would end, in "
                            + Validation.leaseUsec(leaseSeconds) / Limits.USEC_PER_SECOND + " s; lease again");
        }
        figures.record(queue, outcome.leased().size(), now);
        activity.leased(queue, outcome.leased().size());
        return outcome.leased();
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
        QueueSpec spec = requireQueue(queue);
        requirePull(spec);
        if (store.queuePaused(queue)) {
            throw new QueueException(ErrorCode.QUEUE_PAUSED, "queue", "queue " + queue + " is paused");
        }
        Validation.checkLeaseSeconds(leaseSeconds, "leaseSeconds");
        Validation.checkTaskName(name);
        long now = nowUsec();
        long newEta = now + Validation.leaseUsec(leaseSeconds);
        ErrorCode code;
        try {
            code = store.taskModifyLease(queue, name, tokenEtaUsec, newEta, now);
        } catch (CommitUncertainException e) {
            throw new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    "leaseToken",
                    "the database may or may not have "
                            + "committed this lease change of task " + name + ": the lease token is now either "
                            + newEta
                            + " (committed) or still " + tokenEtaUsec
                            + "; retry with the old token, and if that answers "
                            + "TASK_LEASE_EXPIRED, use " + newEta,
                    List.of(name));
        }
        switch (code) {
            case OK:
                break;
            case UNKNOWN_TASK:
                throw new QueueException(code, "name", "task " + name + " does not exist");
            case TOMBSTONED_TASK:
                throw new QueueException(code, "name", "task " + name + " was deleted");
            case TASK_LEASE_EXPIRED:
                throw new QueueException(
                        code, "leaseToken", "the lease on task " + name + " has expired or the token does not match");
            default:
                throw new QueueException(code, "unexpected store result " + code);
        }
        if (newEta <= now) {
            notifyAvailable(queue);
        }
        return newEta;
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
        List<ErrorCode> results = perValidName(names, valid -> {
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
     * Runs {@code action} on the valid names (when there are any) and gives one result per name in order: the
     * action's for a valid name, INVALID_TASK_NAME for the others.
     */
    static List<ErrorCode> perValidName(
            List<String> names, java.util.function.Function<List<String>, List<ErrorCode>> action) {
        List<String> valid = new ArrayList<>(names.size());
        boolean[] isValid = new boolean[names.size()];
        for (int i = 0; i < names.size(); i++) {
            isValid[i] = Validation.isValidTaskName(names.get(i));
            if (isValid[i]) {
                valid.add(names.get(i));
            }
        }
        List<ErrorCode> done = valid.isEmpty() ? List.of() : action.apply(valid);
        List<ErrorCode> results = new ArrayList<>(names.size());
        int j = 0;
        for (int i = 0; i < names.size(); i++) {
            results.add(isValid[i] ? done.get(j++) : ErrorCode.INVALID_TASK_NAME);
        }
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
        QueueSpec spec = requireQueue(queue);
        long now = nowUsec();
        if (spec.mode() != QueueMode.PULL) {
            return new QueueStats(spec, false, QueueCounts.EMPTY, 0, 0);
        }
        LeaseFigures.Leased leased = figures.leased(queue, now);
        return new QueueStats(
                spec, store.queuePaused(queue), store.queueCounts(queue, now), leased.lastMinute(), leased.lastHour());
    }

    /**
     * Bookkeeping: removes due tasks past their retry limit and expired tombstones, in bounded batches, then lets
     * the store reclaim the space that dead rows take (where the store needs that).
     */
    public MaintenanceReport maintain(int batch) {
        long now = nowUsec();
        int exhausted = 0;
        for (QueueSpec spec : registry.all()) {
            if (spec.mode() == QueueMode.PULL) {
                exhausted +=
                        store.taskRemoveExhausted(spec.name(), spec.retryLimit(), now, tombstoneExpiry(now), batch);
            }
        }
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
