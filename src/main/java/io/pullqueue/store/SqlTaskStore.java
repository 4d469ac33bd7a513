package io.pullqueue.store;

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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The skeleton of a SQL {@link TaskStore}: what SQLite and PostgreSQL do alike, on the same tables with the
 * statements of {@link TaskStatements}, {@link OperatorStatements} and {@link QueueSamples}. Reads run in
 * auto-commit mode on a connection of their own; writes go through the store's {@link Writer}. A store adds its
 * schema, the lease, deletes by name and the retry-limit sweep, each in its own way, may run other writes its own
 * way too (SQLite runs those that free room on its storage reserve), and may announce tasks that became leasable
 * ({@link #tasksAvailable}). Connections must not be enlisted in global transactions: the store commits and rolls
 * back itself.
 */
public abstract class SqlTaskStore implements TaskStore {
    private final Logger log = Logger.getLogger(getClass().getName());
    private final DataSource dataSource;
    private final Writer writer;
    private final SqlDialect dialect;

    protected SqlTaskStore(DataSource dataSource, Writer writer, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.dialect = dialect;
    }

    @Override
    public final String kind() {
        return dialect.kind();
    }

    @Override
    public boolean isReachable() {
        try {
            return read("ping", c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(TaskStatements.PING)) {
                    return rs.next();
                }
            });
        } catch (StoreException e) {
            log.log(Level.FINE, dialect.product() + " task store is not reachable", e);
            return false;
        }
    }

    /** The add: one batch inserting every task that has no live name or tombstone (the same on every database). */
    @Override
    public final List<ErrorCode> taskAddMany(String queue, List<NewTask> tasks, long nowUsec) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        return write("add tasks to queue " + queue, c -> {
            List<ErrorCode> results = TaskStatements.add(c, queue, tasks, nowUsec);
            if (results.contains(ErrorCode.OK)) {
                refuseTombstonedMeanwhile(c, queue, tasks, results, nowUsec);
            }
            if (results.contains(ErrorCode.OK)) {
                adding(queue, tasks, nowUsec);
                tasksAvailable(c, queue);
            }
            return results;
        });
    }

    /** In an add's transaction, before it commits, with tasks inserted: for a store that keeps where due tasks begin. */
    protected void adding(String queue, List<NewTask> tasks, long nowUsec) {}

    /**
     * After the add's insert, in its transaction: a store whose insert can wait for a concurrent delete of the same
     * name (and then insert it, the delete's tombstone unseen) takes those tasks out again and answers
     * {@link ErrorCode#TOMBSTONED_TASK} for them in {@code results}. Nothing to do where writers run one at a time.
     */
    protected void refuseTombstonedMeanwhile(
            Connection c, String queue, List<NewTask> tasks, List<ErrorCode> results, long nowUsec)
            throws SQLException {}

    /**
     * Moves a lease if its token still holds; a lease released (new ETA not later than now) makes the task
     * leasable again.
     */
    @Override
    public ErrorCode taskModifyLease(String queue, String name, long tokenEtaUsec, long newEtaUsec, long nowUsec) {
        return writeFreeing("modify the lease of task " + name + " in queue " + queue, c -> {
            ErrorCode code = TaskStatements.modifyLease(c, queue, name, tokenEtaUsec, newEtaUsec, nowUsec);
            if (code == ErrorCode.OK && newEtaUsec <= nowUsec) {
                tasksAvailable(c, queue);
            }
            return code;
        });
    }

    /**
     * One lease as a write that frees room. A store may coordinate concurrent calls before their write (PostgreSQL's
     * line of small leases); its writes still go through {@link #writeFreeing}.
     */
    @Override
    public LeaseOutcome taskLease(LeaseQuery query) {
        return writeFreeing("lease tasks of queue " + query.queue(), leaseWork(query));
    }

    /** The write that {@link #taskLease} runs: {@link #lease}, unless the store's writer can do better. */
    protected Jdbc.SqlWork<LeaseOutcome> leaseWork(LeaseQuery query) {
        return c -> lease(c, query);
    }

    /**
     * {@link #taskLease} in the store's own way, inside a write transaction; {@link LeaseOutcome#PAUSED} when the
     * queue is paused. The flag is read in the lease's own transaction ({@link #pausedIn}, or in the lease
     * statement): no second connection per lease, and a pause committed before this transaction began is always
     * seen (on every server sharing the database).
     */
    protected abstract LeaseOutcome lease(Connection c, LeaseQuery query) throws SQLException;

    @Override
    public final List<ErrorCode> taskDeleteMany(
            String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec) {
        if (names.isEmpty()) {
            return List.of();
        }
        return writeFreeing(
                "delete tasks of queue " + queue, c -> deleteNames(c, queue, names, nowUsec, tombstoneExpiresUsec));
    }

    /** {@link #taskDeleteMany} of one name or more, in the store's own way, inside a write transaction. */
    protected abstract List<ErrorCode> deleteNames(
            Connection c, String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec)
            throws SQLException;

    @Override
    public long queuePurge(String queue, long tombstoneExpiresUsec) {
        return writeFreeing("purge queue " + queue, c -> TaskStatements.purge(c, queue, tombstoneExpiresUsec));
    }

    @Override
    public int tombstoneDeleteExpired(long nowUsec, int batch) {
        return writeFreeing(
                "delete expired tombstones", c -> TaskStatements.deleteExpiredTombstones(c, dialect, nowUsec, batch));
    }

    @Override
    public Optional<Task> taskGet(String queue, String name) {
        return read("read task " + name + " of queue " + queue, c -> TaskStatements.get(c, queue, name));
    }

    @Override
    public TaskPage taskList(String queue, String afterName, int limit, boolean withPayloads) {
        return read(
                "list tasks of queue " + queue,
                c -> TaskStatements.list(c, dialect, queue, afterName, limit, withPayloads));
    }

    @Override
    public boolean tombstoneExists(String queue, String name, long nowUsec) {
        return read(
                "check the tombstone of task " + name + " in queue " + queue,
                c -> TaskStatements.exists(c, TaskStatements.TOMBSTONE_LIVE, queue, name, nowUsec));
    }

    @Override
    public QueueCounts queueCounts(String queue, long nowUsec) {
        return read("count the tasks of queue " + queue, c -> TaskStatements.counts(c, dialect, queue, nowUsec));
    }

    @Override
    public OptionalLong queueNextEta(String queue) {
        return read("read the next ETA of queue " + queue, c -> TaskStatements.nextEta(c, queue));
    }

    @Override
    public boolean queuePaused(String queue) {
        return read("read the paused flag of queue " + queue, c -> TaskStatements.paused(c, queue));
    }

    /** The queue's paused flag, read on the caller's connection (inside its transaction). */
    protected static boolean pausedIn(Connection c, String queue) throws SQLException {
        return TaskStatements.paused(c, queue);
    }

    @Override
    public void queueSetPaused(String queue, boolean paused) {
        write((paused ? "pause" : "resume") + " queue " + queue, c -> {
            TaskStatements.setPaused(c, queue, paused);
            if (!paused) {
                tasksAvailable(c, queue);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------- operators

    @Override
    public TaskListing taskSearch(TaskQuery query) {
        return read("search the tasks of queue " + query.queue(), c -> OperatorStatements.search(c, dialect, query));
    }

    @Override
    public List<ErrorCode> taskMakeDue(String queue, List<String> names, long nowUsec) {
        return write("make tasks of queue " + queue + " due", c -> {
            List<ErrorCode> results = OperatorStatements.makeDue(c, queue, names, nowUsec);
            if (results.contains(ErrorCode.OK)) {
                tasksAvailable(c, queue);
            }
            return results;
        });
    }

    @Override
    public void sampleAdd(String server, Map<String, QueueSample> byQueue) {
        write("write queue samples", c -> {
            QueueSamples.sampleAdd(c, server, byQueue);
            return null;
        });
    }

    @Override
    public List<QueueSample> sampleRead(String queue, long fromUsec) {
        return read("read the samples of queue " + queue, c -> QueueSamples.sampleRead(c, queue, fromUsec));
    }

    @Override
    public int samplePrune(long beforeUsec) {
        return write("delete old queue samples", c -> QueueSamples.samplePrune(c, beforeUsec));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Called inside a write transaction that may have made tasks of the queue leasable (a resume, tasks made due),
     * so that waiting leases elsewhere can be told at commit. Nothing by default: one server's waiting leases are
     * woken by the engine itself.
     */
    protected void tasksAvailable(Connection c, String queue) throws SQLException {}

    /** Runs {@code work} in a committed write transaction of the store's {@link Writer}. */
    protected final <T> T write(String operation, Jdbc.SqlWork<T> work) {
        return writer.write(operation, work);
    }

    /**
     * A write that frees room or needs little (lease, lease change, delete, purge, bookkeeping): a plain
     * {@link #write} here; a store whose disk it manages itself may carry it on a full disk (SQLite's reserve).
     */
    protected <T> T writeFreeing(String operation, Jdbc.SqlWork<T> work) {
        return write(operation, work);
    }

    /** Runs {@code work} in auto-commit mode: one statement, one snapshot, no write lock and no locks held after. */
    protected final <T> T read(String operation, Jdbc.SqlWork<T> work) {
        return Jdbc.autoCommit(dataSource, operation, work);
    }
}
