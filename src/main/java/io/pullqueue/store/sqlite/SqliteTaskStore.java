package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueSample;
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

    private final DataSource dataSource;
    private final GroupCommit writer;

    public SqliteTaskStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new GroupCommit(dataSource);
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    @Override
    public void initialize() {
        int found = write("initialize the schema", SqliteSchema::migrate);
        String journal = read("read the journal mode", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(JOURNAL_MODE)) {
                return rs.next() ? rs.getString(1) : "unknown";
            }
        });
        LOG.info(() -> "SQLite task store ready: schema version " + SqliteSchema.CURRENT_VERSION
                + (found == SqliteSchema.CURRENT_VERSION ? "" : " (was " + found + ")")
                + ", journal_mode " + journal);
        if (!"wal".equalsIgnoreCase(journal)) {
            LOG.warning(() -> "SQLite journal_mode is " + journal + ", not WAL: reads will wait for writes");
        }
    }

    @Override
    public boolean isReachable() {
        try {
            return read("ping", c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SqliteSql.PING)) {
                    return rs.next();
                }
            });
        } catch (StoreException e) {
            LOG.log(Level.FINE, "SQLite task store is not reachable", e);
            return false;
        }
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
        return write("lease tasks of queue " + query.queue(), c -> SqliteLease.lease(c, query));
    }

    @Override
    public ErrorCode taskModifyLease(String queue, String name, long tokenEtaUsec, long newEtaUsec, long nowUsec) {
        return write("modify the lease of task " + name + " in queue " + queue, c -> {
            return TaskReads.modifyLease(c, SqliteSql.MODIFY_LEASE, SqliteSql.TASK_EXISTS, SqliteSql.TOMBSTONE_LIVE,
                    queue, name, tokenEtaUsec, newEtaUsec, nowUsec);
        });
    }

    @Override
    public List<ErrorCode> taskDeleteMany(String queue, List<String> names, long nowUsec,
                                          long tombstoneExpiresUsec) {
        if (names.isEmpty()) {
            return List.of();
        }
        return write("delete tasks of queue " + queue,
                c -> TaskWrites.delete(c, queue, names, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public Optional<Task> taskGet(String queue, String name) {
        return read("read task " + name + " of queue " + queue, c -> TaskReads.get(c, SqliteSql.SELECT_TASK, queue, name));
    }

    @Override
    public TaskPage taskList(String queue, String afterName, int limit, boolean withPayloads) {
        return read("list tasks of queue " + queue, c -> TaskReads.list(c,
                withPayloads ? SqliteSql.LIST_TASKS_WITH_PAYLOADS : SqliteSql.LIST_TASKS, queue, afterName, limit, withPayloads));
    }

    @Override
    public boolean tombstoneExists(String queue, String name, long nowUsec) {
        return read("check the tombstone of task " + name + " in queue " + queue,
                c -> TaskReads.exists(c, SqliteSql.TOMBSTONE_LIVE, queue, name, nowUsec));
    }

    @Override
    public long queuePurge(String queue, long tombstoneExpiresUsec) {
        return write("purge queue " + queue, c -> {
            TaskReads.update(c, SqliteSql.PURGE_TOMBSTONES, queue, tombstoneExpiresUsec);
            return (long) TaskReads.update(c, SqliteSql.PURGE_TASKS, queue);
        });
    }

    @Override
    public QueueCounts queueCounts(String queue, long nowUsec) {
        return read("count the tasks of queue " + queue,
                c -> TaskReads.counts(c, SqliteSql.QUEUE_COUNTS, queue, nowUsec));
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
        write((paused ? "pause" : "resume") + " queue " + queue,
                c -> TaskReads.update(c, SqliteSql.SET_QUEUE_PAUSED, queue, paused ? 1 : 0));
    }

    @Override
    public int taskRemoveExhausted(String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec,
                                   int batch) {
        String operation = "remove tasks past their retry limit from queue " + queue;
        List<String> names = read(operation, c -> ExhaustedTasks.find(c, queue, queueRetryLimit, nowUsec, batch));
        if (names.isEmpty()) {
            return 0;
        }
        return write(operation,
                c -> ExhaustedTasks.remove(c, queue, names, queueRetryLimit, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public int tombstoneDeleteExpired(long nowUsec, int batch) {
        return write("delete expired tombstones",
                c -> TaskReads.update(c, SqliteSql.DELETE_EXPIRED_TOMBSTONES, nowUsec, batch));
    }

    // ---------------------------------------------------------------------------------------- operators

    @Override
    public TaskListing taskSearch(TaskQuery query) {
        return read("search the tasks of queue " + query.queue(), c -> OperatorStatements.SQLITE.search(c, query));
    }

    @Override
    public List<ErrorCode> taskMakeDue(String queue, List<String> names, long nowUsec) {
        return write("make tasks of queue " + queue + " due", c -> OperatorStatements.makeDue(c,
                SqliteSql.TASK_EXISTS, SqliteSql.TOMBSTONE_LIVE, queue, names, nowUsec));
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
