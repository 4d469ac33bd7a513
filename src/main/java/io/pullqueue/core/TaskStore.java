package io.pullqueue.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The port to durable task storage. Every method that changes data returns only after the change is
 * committed. Times are µs since the epoch and are always passed in: a store never reads a clock.
 *
 * <p>Failures of a write: a {@link QueueException} with {@link ErrorCode#STORAGE_FULL} or any other exception
 * means that nothing changed (the transaction was rolled back); {@link CommitUncertainException} means that the
 * commit itself failed and the change may or may not have taken effect.
 *
 * <p>Callers validate input first; a store assumes well-formed names, tags and limits.
 */
public interface TaskStore {

    /** Creates or upgrades the schema. Safe to call on every start. */
    void initialize();

    /** True when the database answers a trivial query. */
    boolean isReachable();

    /**
     * Inserts each task unless its name is live ({@link ErrorCode#TASK_ALREADY_EXISTS}) or reserved by an
     * unexpired tombstone ({@link ErrorCode#TOMBSTONED_TASK}); others still go in. One result per task, in
     * order: OK or one of those two codes.
     */
    List<ErrorCode> taskAddMany(String queue, List<NewTask> tasks, long nowUsec);

    /**
     * Leases up to {@code maxTasks} due tasks (eta ≤ now) in (eta, creation) order that match the filter:
     * sets their ETA to {@code newEtaUsec} and adds one to their retry count. A due candidate whose retry
     * limit forbids another lease is deleted and tombstoned instead, and is not replaced. Answers
     * {@link LeaseOutcome#PAUSED}, leasing nothing, when the queue is paused (read in the same transaction).
     */
    LeaseOutcome taskLease(LeaseQuery query);

    /**
     * Moves a leased task's ETA to {@code newEtaUsec} if its stored ETA equals {@code tokenEtaUsec} and is
     * later than {@code nowUsec}. Returns OK, UNKNOWN_TASK, TOMBSTONED_TASK or TASK_LEASE_EXPIRED.
     */
    ErrorCode taskModifyLease(String queue, String name, long tokenEtaUsec, long newEtaUsec, long nowUsec);

    /**
     * Deletes tasks by name and tombstones each deleted name until {@code tombstoneExpiresUsec}. One result
     * per name: OK, UNKNOWN_TASK or TOMBSTONED_TASK (already deleted; the tombstone has not expired).
     */
    List<ErrorCode> taskDeleteMany(String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec);

    Optional<Task> taskGet(String queue, String name);

    /**
     * Tasks in name order, starting after {@code afterName} ({@code null} for the start); with their payloads only
     * when {@code withPayloads} (otherwise each task carries just its payload's size).
     */
    TaskPage taskList(String queue, String afterName, int limit, boolean withPayloads);

    /** True if the name is reserved by a tombstone that has not expired at {@code nowUsec}. */
    boolean tombstoneExists(String queue, String name, long nowUsec);

    /** Deletes every task of the queue, tombstoning their names. Returns how many were removed. */
    long queuePurge(String queue, long tombstoneExpiresUsec);

    QueueCounts queueCounts(String queue, long nowUsec);

    /** The smallest ETA of the queue's tasks, or empty when it has none. */
    OptionalLong queueNextEta(String queue);

    boolean queuePaused(String queue);

    void queueSetPaused(String queue, boolean paused);

    /**
     * Deletes and tombstones up to {@code batch} due tasks that have used up their retry limit (their own,
     * else {@code queueRetryLimit}; nothing when both are absent). Returns how many were removed.
     */
    int taskRemoveExhausted(String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch);

    /** Deletes up to {@code batch} tombstones that expired before {@code nowUsec}; returns how many. */
    int tombstoneDeleteExpired(long nowUsec, int batch);

    // ---------------------------------------------------------------- what an operator looks at and does

    /**
     * A page of the queue's tasks in the query's state and with its tag (any when null), in name or ETA order
     * (ties broken by name), after the query's cursor; without payloads (each task carries its payload's size).
     */
    TaskListing taskSearch(TaskQuery query);

    /**
     * Sets the ETA of each named task that is leased or not yet due to {@code nowUsec}, so that the next lease call
     * can take it: a lease is given back (its token no longer matches), a delayed task becomes due. The retry count
     * is not changed. One result per name: OK for a task that exists (also one that was due already), else
     * UNKNOWN_TASK or TOMBSTONED_TASK.
     */
    List<ErrorCode> taskMakeDue(String queue, List<String> names, long nowUsec);

    /** Writes this server's samples, by queue (replacing one of the same queue, time and server). */
    void sampleAdd(String server, Map<String, QueueSample> byQueue);

    /**
     * A queue's samples taken at or after {@code fromUsec}, in time order, one per sample time: the activity of
     * every server summed, the backlog the largest any server counted.
     */
    List<QueueSample> sampleRead(String queue, long fromUsec);

    /** Deletes samples taken before {@code beforeUsec}; returns how many. */
    int samplePrune(long beforeUsec);

    // ------------------------------------------------------------------ what differs between stores

    /** A short name of the store for logs and health data, e.g. {@code sqlite} or {@code postgres}. */
    default String kind() {
        return getClass().getSimpleName();
    }

    /**
     * Where the engine keeps the lease throttle and the leased-in-the-last-minute/hour figures; called once, by the
     * engine. A store that several server instances share keeps them in the database, so that they are cluster-wide
     * as they were app-wide on App Engine; the default keeps them in this server's memory.
     */
    default LeaseFigures leaseFigures() {
        return new LocalLeaseFigures();
    }

    /**
     * Tells {@code listener} when tasks may have become leasable because another server instance sharing this
     * database added them or gave a lease back. A store that only one instance can use does nothing.
     */
    default void watchOtherInstances(TaskAvailabilityListener listener) {}

    /** Figures an operator watches for the store's health; read by the maintenance timer only. */
    default StoreDiagnostics diagnostics() {
        return StoreDiagnostics.NONE;
    }

    /**
     * Reclaims the space of deleted and superseded rows where they have piled up (PostgreSQL: a {@code VACUUM} of a
     * table whose dead rows passed a threshold, by one server at a time), and keeps the database's planner
     * statistics true to the tables (PostgreSQL: an {@code ANALYZE} of a table counted while nearly empty and full
     * again since). Called by the maintenance pass; returns how many tables it cleaned. A store that needs no such
     * care does nothing.
     */
    default int reclaimSpace() {
        return 0;
    }

    /**
     * Holds room for an add of about {@code bytes} bytes until the returned {@link Room} is closed, or refuses the
     * add before it starts: throws {@link QueueException} with {@link ErrorCode#STORAGE_FULL} when the store has no
     * room for it. Concurrent adds each count the room the others hold. Only writes that grow the store ask; leases,
     * lease changes and deletes do not, so they keep working (and free room) while adds are refused. A store that
     * cannot measure its room (PostgreSQL: the database server's disk) accepts, and reports a full disk when the
     * write fails.
     */
    default Room reserveRoom(long bytes) {
        return Room.NONE;
    }

    /** Room held for one add; closing it gives the room back to the count (the add has then taken what it used). */
    interface Room extends AutoCloseable {
        Room NONE = () -> {};

        @Override
        void close();
    }

    /** The store's room as measured now, or {@code null} when it cannot measure it. */
    default StorageStatus storage() {
        return null;
    }

    /** Stops what the store runs in the background (such as a notification listener). */
    default void close() {}
}
