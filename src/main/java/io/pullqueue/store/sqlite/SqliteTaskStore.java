package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueSample;
import io.pullqueue.core.StorageStatus;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskPage;
import io.pullqueue.core.TaskQuery;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.Jdbc;
import io.pullqueue.store.OperatorStatements;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.TaskReads;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The embedded {@link TaskStore}: SQLite in WAL mode. SQLite allows one writer at a time, so every write goes
 * through {@link GroupCommit}: one writer at a time, and the writes that queued up during a commit share the next
 * transaction (one fsync for all of them); reads run concurrently on their own connections and see the last
 * committed state. Connections must not be enlisted in global transactions:
 * this store commits and rolls back itself.
 */
public final class SqliteTaskStore implements TaskStore {
    private static final Logger LOG = Logger.getLogger(SqliteTaskStore.class.getName());
    static final String JOURNAL_MODE = "PRAGMA journal_mode";

    /** The default free-space floor below which adds are refused: 64 MiB. */
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

    private final DataSource dataSource;
    private final GroupCommit writer;
    private final DiskRoom room;

    public SqliteTaskStore(DataSource dataSource) {
        this(dataSource, DEFAULT_MIN_FREE_BYTES);
    }

    /** A store with the given free-space floor and no reserve file. */
    public SqliteTaskStore(DataSource dataSource, long minFreeBytes) {
        this(dataSource, minFreeBytes, 0);
    }

    /**
     * @param minFreeBytes adds are refused with STORAGE_FULL when they would leave less room than this on the
     *     database's filesystem (room: the filesystem's usable space plus the database's free pages)
     * @param reserveBytes size of the reserve file {@code pullqueue.reserve} kept next to the database: given up
     *     when a lease, lease change or delete finds the disk full (filled by something else than adds), so that
     *     it can run; made again when there is room
     */
    public SqliteTaskStore(DataSource dataSource, long minFreeBytes, long reserveBytes) {
        this.dataSource = dataSource;
        this.writer = new GroupCommit(dataSource);
        this.room = new DiskRoom(
                minFreeBytes,
                reserveBytes,
                () -> read("count the database's free pages", c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(SqliteSql.FREE_BYTES)) {
                        return rs.next() ? rs.getLong(1) : 0L;
                    }
                }));
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    @Override
    public void initialize() {
        int found = write("initialize the schema", SqliteSchema::migrate);
        String journal = read("read the journal mode", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(JOURNAL_MODE)) {
                return rs.next() ? rs.getString(1) : "unknown";
            }
        });
        String file = read("find the database file", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.DATABASE_FILE)) {
                return rs.next() ? rs.getString(1) : "";
            }
        });
        LOG.info(() -> "SQLite task store ready: schema version " + SqliteSchema.CURRENT_VERSION
                + (found == SqliteSchema.CURRENT_VERSION ? "" : " (was " + found + ")")
                + ", journal_mode " + journal + ", adds refused below " + room.minFreeBytes() + " bytes free");
        room.watch(file);
        writer.checkpointEvery(room.checkpointPages(read("read the page size", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.PAGE_SIZE)) {
                return rs.next() ? rs.getLong(1) : 4096L;
            }
        })));
        if (!"wal".equalsIgnoreCase(journal)) {
            LOG.warning(() -> "SQLite journal_mode is " + journal + ", not WAL: reads will wait for writes");
        }
    }

    @Override
    public boolean isReachable() {
        try {
            return read("ping", c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(SqliteSql.PING)) {
                    return rs.next();
                }
            });
        } catch (StoreException e) {
            LOG.log(Level.FINE, "SQLite task store is not reachable", e);
            return false;
        }
    }

    @Override
    public Room reserveRoom(long bytes) {
        return room.reserveRoom(bytes);
    }

    @Override
    public StorageStatus storage() {
        return room.storage();
    }

    /**
     * A write that frees room or needs little (lease, lease change, delete, bookkeeping): on a full disk it runs
     * again on the storage reserve's space, then after the write-ahead log was truncated ({@link DiskRoom#carry}).
     */
    private <T> T writeOnReserve(String operation, Jdbc.SqlWork<T> work) {
        return room.carry(
                () -> write(operation, work),
                () -> writer.alone("truncate the write-ahead log", c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SqliteSql.TRUNCATE_LOG);
                    }
                    return null;
                }));
    }

    @Override
    public List<ErrorCode> taskAddMany(String queue, List<NewTask> tasks, long nowUsec) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        return write("add tasks to queue " + queue, c -> TaskWrites.add(c, queue, tasks, nowUsec));
    }

    @Override
    public LeaseOutcome taskLease(LeaseQuery query) {
        return writeOnReserve("lease tasks of queue " + query.queue(), c -> SqliteLease.lease(c, query));
    }

    @Override
    public ErrorCode taskModifyLease(String queue, String name, long tokenEtaUsec, long newEtaUsec, long nowUsec) {
        return writeOnReserve("modify the lease of task " + name + " in queue " + queue, c -> {
            return TaskReads.modifyLease(
                    c,
                    SqliteSql.MODIFY_LEASE,
                    SqliteSql.TASK_EXISTS,
                    SqliteSql.TOMBSTONE_LIVE,
                    queue,
                    name,
                    tokenEtaUsec,
                    newEtaUsec,
                    nowUsec);
        });
    }

    @Override
    public List<ErrorCode> taskDeleteMany(String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec) {
        if (names.isEmpty()) {
            return List.of();
        }
        return writeOnReserve(
                "delete tasks of queue " + queue,
                c -> TaskWrites.delete(c, queue, names, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public Optional<Task> taskGet(String queue, String name) {
        return read(
                "read task " + name + " of queue " + queue, c -> TaskReads.get(c, SqliteSql.SELECT_TASK, queue, name));
    }

    @Override
    public TaskPage taskList(String queue, String afterName, int limit, boolean withPayloads) {
        return read(
                "list tasks of queue " + queue,
                c -> TaskReads.list(
                        c,
                        withPayloads ? SqliteSql.LIST_TASKS_WITH_PAYLOADS : SqliteSql.LIST_TASKS,
                        queue,
                        afterName,
                        limit,
                        withPayloads));
    }

    @Override
    public boolean tombstoneExists(String queue, String name, long nowUsec) {
        return read(
                "check the tombstone of task " + name + " in queue " + queue,
                c -> TaskReads.exists(c, SqliteSql.TOMBSTONE_LIVE, queue, name, nowUsec));
    }

    @Override
    public long queuePurge(String queue, long tombstoneExpiresUsec) {
        return writeOnReserve("purge queue " + queue, c -> {
            TaskReads.update(c, SqliteSql.PURGE_TOMBSTONES, queue, tombstoneExpiresUsec);
            return (long) TaskReads.update(c, SqliteSql.PURGE_TASKS, queue);
        });
    }

    @Override
    public QueueCounts queueCounts(String queue, long nowUsec) {
        return read(
                "count the tasks of queue " + queue, c -> TaskReads.counts(c, SqliteSql.QUEUE_COUNTS, queue, nowUsec));
    }

    @Override
    public OptionalLong queueNextEta(String queue) {
        return read("read the next ETA of queue " + queue, c -> TaskReads.single(c, SqliteSql.QUEUE_NEXT_ETA, queue));
    }

    @Override
    public boolean queuePaused(String queue) {
        return read("read the paused flag of queue " + queue, c -> TaskReads.flag(c, SqliteSql.QUEUE_PAUSED, queue));
    }

    @Override
    public void queueSetPaused(String queue, boolean paused) {
        write(
                (paused ? "pause" : "resume") + " queue " + queue,
                c -> TaskReads.update(c, SqliteSql.SET_QUEUE_PAUSED, queue, paused ? 1 : 0));
    }

    @Override
    public int taskRemoveExhausted(
            String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch) {
        String operation = "remove tasks past their retry limit from queue " + queue;
        List<String> names = read(operation, c -> ExhaustedTasks.find(c, queue, queueRetryLimit, nowUsec, batch));
        if (names.isEmpty()) {
            return 0;
        }
        return writeOnReserve(
                operation, c -> ExhaustedTasks.remove(c, queue, names, queueRetryLimit, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public int tombstoneDeleteExpired(long nowUsec, int batch) {
        return writeOnReserve(
                "delete expired tombstones",
                c -> TaskReads.update(c, SqliteSql.DELETE_EXPIRED_TOMBSTONES, nowUsec, batch));
    }

    // ---------------------------------------------------------------------------------------- operators

    @Override
    public TaskListing taskSearch(TaskQuery query) {
        return read("search the tasks of queue " + query.queue(), c -> OperatorStatements.SQLITE.search(c, query));
    }

    @Override
    public List<ErrorCode> taskMakeDue(String queue, List<String> names, long nowUsec) {
        return write(
                "make tasks of queue " + queue + " due",
                c -> OperatorStatements.makeDue(
                        c, SqliteSql.TASK_EXISTS, SqliteSql.TOMBSTONE_LIVE, queue, names, nowUsec));
    }

    @Override
    public void sampleAdd(String server, Map<String, QueueSample> byQueue) {
        write("write queue samples", c -> {
            OperatorStatements.sampleAdd(c, server, byQueue);
            return null;
        });
    }

    @Override
    public List<QueueSample> sampleRead(String queue, long fromUsec) {
        return read("read the samples of queue " + queue, c -> OperatorStatements.sampleRead(c, queue, fromUsec));
    }

    @Override
    public int samplePrune(long beforeUsec) {
        return write("delete old queue samples", c -> OperatorStatements.samplePrune(c, beforeUsec));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Runs {@code work} in a committed write transaction, which it may share with other callers' work (group
     * commit); returns only once that transaction committed.
     */
    <T> T write(String operation, Jdbc.SqlWork<T> work) {
        return writer.write(operation, work);
    }

    /** Runs {@code work} in auto-commit mode, without the write lock (WAL readers do not block the writer). */
    <T> T read(String operation, Jdbc.SqlWork<T> work) {
        return Jdbc.autoCommit(dataSource, operation, work);
    }
}
