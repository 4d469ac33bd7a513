package io.pullqueue.store.postgres;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseFigures;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueSample;
import io.pullqueue.core.StoreDiagnostics;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskAvailabilityListener;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskPage;
import io.pullqueue.core.TaskQuery;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.Jdbc;
import io.pullqueue.store.OperatorStatements;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.TaskReads;
import io.pullqueue.store.TaskRows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The {@link TaskStore} for PostgreSQL, which several pullqueue instances can share: PostgreSQL does all the
 * coordination. Leases take rows with {@code FOR UPDATE SKIP LOCKED} in one statement, modify checks the token in
 * the statement that changes the row, and every write is one short transaction (rolled back and retried once on a
 * deadlock or serialization failure). Adds and released leases are announced with {@code NOTIFY} so that waiting
 * leases on other instances wake. Connections must not be enlisted in global transactions.
 */
public final class PostgresTaskStore implements TaskStore {
    private static final Logger LOG = Logger.getLogger(PostgresTaskStore.class.getName());
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private volatile TaskNotifications notifications;

    public PostgresTaskStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String kind() {
        return "postgres";
    }

    @Override
    public void initialize() {
        int found = write("initialize the schema", c -> {
            try (Statement s = c.createStatement()) {
                s.execute(PostgresSchema.LOCK_FOR_MIGRATION);
            }
            return PostgresSchema.MIGRATIONS.migrate(c);
        });
        String where = read("read the server version", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_database(), current_schema(), version()")) {
                rs.next();
                return rs.getString(1) + "." + rs.getString(2) + " ("
                        + rs.getString(3).split(",")[0] + ")";
            }
        });
        int current = PostgresSchema.MIGRATIONS.currentVersion();
        LOG.info(() -> "PostgreSQL task store ready: " + where + ", schema version " + current
                + (found == current ? "" : " (was " + found + ")"));
    }

    @Override
    public boolean isReachable() {
        try {
            return read("ping", c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(PostgresSql.PING)) {
                    return rs.next();
                }
            });
        } catch (StoreException e) {
            LOG.log(Level.FINE, "PostgreSQL task store is not reachable", e);
            return false;
        }
    }

    @Override
    public List<ErrorCode> taskAddMany(String queue, List<NewTask> tasks, long nowUsec) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        return write("add tasks to queue " + queue, c -> {
            int[] inserted;
            try (PreparedStatement ps = c.prepareStatement(PostgresSql.INSERT_TASK)) {
                for (NewTask t : tasks) {
                    ps.setString(1, queue);
                    ps.setString(2, t.name());
                    ps.setLong(3, t.etaUsec());
                    TaskRows.setNullableTag(ps, 4, t.tag());
                    TaskRows.setNullableInt(ps, 5, t.retryLimit());
                    ps.setLong(6, nowUsec);
                    ps.setBytes(7, t.payload());
                    ps.setString(8, queue);
                    ps.setString(9, t.name());
                    ps.setLong(10, nowUsec);
                    ps.addBatch();
                }
                inserted = ps.executeBatch();
            }
            List<ErrorCode> results = TaskReads.addResults(c, PostgresSql.TASK_EXISTS, queue, tasks, inserted);
            if (results.contains(ErrorCode.OK)) {
                PgNames.notifyAvailable(c, queue);
            }
            return results;
        });
    }

    @Override
    public LeaseOutcome taskLease(LeaseQuery query) {
        return write("lease tasks of queue " + query.queue(), c -> PostgresLease.lease(c, query));
    }

    @Override
    public ErrorCode taskModifyLease(String queue, String name, long tokenEtaUsec, long newEtaUsec, long nowUsec) {
        return write("modify the lease of task " + name + " in queue " + queue, c -> {
            ErrorCode code = TaskReads.modifyLease(
                    c,
                    PostgresSql.MODIFY_LEASE,
                    PostgresSql.TASK_EXISTS,
                    PostgresSql.TOMBSTONE_LIVE,
                    queue,
                    name,
                    tokenEtaUsec,
                    newEtaUsec,
                    nowUsec);
            if (code == ErrorCode.OK && newEtaUsec <= nowUsec) {
                PgNames.notifyAvailable(c, queue);
            }
            return code;
        });
    }

    @Override
    public List<ErrorCode> taskDeleteMany(String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec) {
        if (names.isEmpty()) {
            return List.of();
        }
        return write(
                "delete tasks of queue " + queue, c -> PgNames.delete(c, queue, names, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public Optional<Task> taskGet(String queue, String name) {
        return read(
                "read task " + name + " of queue " + queue,
                c -> TaskReads.get(c, PostgresSql.SELECT_TASK, queue, name));
    }

    @Override
    public TaskPage taskList(String queue, String afterName, int limit, boolean withPayloads) {
        return read(
                "list tasks of queue " + queue,
                c -> TaskReads.list(
                        c,
                        withPayloads ? PostgresSql.LIST_TASKS_WITH_PAYLOADS : PostgresSql.LIST_TASKS,
                        queue,
                        afterName,
                        limit,
                        withPayloads));
    }

    @Override
    public boolean tombstoneExists(String queue, String name, long nowUsec) {
        return read(
                "check the tombstone of task " + name + " in queue " + queue,
                c -> TaskReads.exists(c, PostgresSql.TOMBSTONE_LIVE, queue, name, nowUsec));
    }

    @Override
    public long queuePurge(String queue, long tombstoneExpiresUsec) {
        return write("purge queue " + queue, c -> {
            TaskReads.update(c, PostgresSql.PURGE_TOMBSTONES, tombstoneExpiresUsec, queue);
            return (long) TaskReads.update(c, PostgresSql.PURGE_TASKS, queue);
        });
    }

    @Override
    public QueueCounts queueCounts(String queue, long nowUsec) {
        return read(
                "count the tasks of queue " + queue,
                c -> TaskReads.counts(c, PostgresSql.QUEUE_COUNTS, nowUsec, nowUsec, queue));
    }

    @Override
    public OptionalLong queueNextEta(String queue) {
        return read("read the next ETA of queue " + queue, c -> TaskReads.single(c, PostgresSql.QUEUE_NEXT_ETA, queue));
    }

    @Override
    public boolean queuePaused(String queue) {
        return read("read the paused flag of queue " + queue, c -> TaskReads.flag(c, PostgresSql.QUEUE_PAUSED, queue));
    }

    @Override
    public void queueSetPaused(String queue, boolean paused) {
        write((paused ? "pause" : "resume") + " queue " + queue, c -> {
            TaskReads.update(c, PostgresSql.SET_QUEUE_PAUSED, queue, paused);
            if (!paused) {
                PgNames.notifyAvailable(c, queue);
            }
            return null;
        });
    }

    @Override
    public int taskRemoveExhausted(
            String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch) {
        return write("remove tasks past their retry limit from queue " + queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(PostgresSql.REMOVE_EXHAUSTED)) {
                ps.setString(1, queue);
                ps.setLong(2, nowUsec);
                TaskRows.setNullableInt(ps, 3, queueRetryLimit);
                ps.setInt(4, batch);
                ps.setString(5, queue);
                ps.setString(6, queue);
                ps.setLong(7, tombstoneExpiresUsec);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public int tombstoneDeleteExpired(long nowUsec, int batch) {
        return write(
                "delete expired tombstones",
                c -> TaskReads.update(c, PostgresSql.DELETE_EXPIRED_TOMBSTONES, nowUsec, batch));
    }

    // ---------------------------------------------------------------------------------------- operators

    @Override
    public TaskListing taskSearch(TaskQuery query) {
        return read("search the tasks of queue " + query.queue(), c -> OperatorStatements.POSTGRES.search(c, query));
    }

    @Override
    public List<ErrorCode> taskMakeDue(String queue, List<String> names, long nowUsec) {
        return write("make tasks of queue " + queue + " due", c -> {
            List<ErrorCode> results = OperatorStatements.makeDue(
                    c, PostgresSql.TASK_EXISTS, PostgresSql.TOMBSTONE_LIVE, queue, names, nowUsec);
            if (results.contains(ErrorCode.OK)) {
                PgNames.notifyAvailable(c, queue);
            }
            return results;
        });
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

    // ------------------------------------------------------------------ cluster and operations

    /** In the database: the throttle and the figures are shared by every server on it. */
    @Override
    public LeaseFigures leaseFigures() {
        return new PostgresLeaseFigures(this);
    }

    @Override
    public synchronized void watchOtherInstances(TaskAvailabilityListener listener) {
        if (notifications != null) {
            notifications.close();
        }
        notifications = new TaskNotifications(dataSource, listener);
        notifications.start();
    }

    /** Notifications received by {@link #watchOtherInstances} so far (0 when not watching). */
    public long notificationsReceived() {
        TaskNotifications n = notifications;
        return n == null ? 0 : n.received();
    }

    @Override
    public StoreDiagnostics diagnostics() {
        return read("read table statistics", c -> {
            Map<String, StoreDiagnostics.TableRows> tables = new LinkedHashMap<>();
            TableBloat.rows(c)
                    .forEach((table, r) -> tables.put(table, new StoreDiagnostics.TableRows(r.live(), r.dead())));
            return new StoreDiagnostics(tables, OptionalLong.of(notificationsReceived()));
        });
    }

    @Override
    public int reclaimSpace() {
        return read("reclaim the space of dead rows", TableBloat::vacuumWhereDue);
    }

    @Override
    public synchronized void close() {
        if (notifications != null) {
            notifications.close();
            notifications = null;
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Runs {@code work} as one short transaction; a deadlock or serialization failure (which rolled everything
     * back) is retried, up to {@link #ATTEMPTS} times in all.
     */
    <T> T write(String operation, Jdbc.SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Jdbc.transaction(dataSource, operation, work);
            } catch (StoreException e) {
                if (attempt >= ATTEMPTS || !retryable(e)) {
                    throw e;
                }
                LOG.fine(() -> operation + ": retrying after " + e.getMessage());
            }
        }
    }

    private static boolean retryable(StoreException e) {
        if (e.getCause() instanceof SQLException s) {
            return "40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState());
        }
        return false;
    }

    /** Runs {@code work} in auto-commit mode: one statement, one snapshot, no locks held afterwards. */
    <T> T read(String operation, Jdbc.SqlWork<T> work) {
        return Jdbc.autoCommit(dataSource, operation, work);
    }
}
