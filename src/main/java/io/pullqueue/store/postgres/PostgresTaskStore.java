package io.pullqueue.store.postgres;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseFigures;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.StoreDiagnostics;
import io.pullqueue.core.TaskAvailabilityListener;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.SqlTaskStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The {@link TaskStore} for PostgreSQL, which several pullqueue instances can share: PostgreSQL does all the
 * coordination. Leases take rows with {@code FOR UPDATE SKIP LOCKED} in one statement, modify checks the token in
 * the statement that changes the row, and every write is one short transaction (rolled back and retried once on a
 * deadlock or serialization failure). Adds and released leases are announced with {@code NOTIFY} once committed, so
 * that waiting leases on other instances wake. Connections must not be enlisted in global transactions.
 */
public final class PostgresTaskStore extends SqlTaskStore {
    private static final Logger LOG = Logger.getLogger(PostgresTaskStore.class.getName());

    private final DataSource dataSource;
    private final Announcer announcer;
    private final RetryingWriter writer;
    private volatile TaskNotifications notifications;
    /** Where each queue's due tasks begin, as this server's leases last saw it. */
    private final DueFloors floors = new DueFloors();

    /** Concurrent leases of one queue, filter and lease time run as one statement. */
    private final LeaseCombiner combiner = new LeaseCombiner(queries -> writeFreeing(
            "lease tasks of queue " + queries.get(0).queue(), c -> PostgresLease.leaseTogether(c, queries, floors)));

    public PostgresTaskStore(DataSource dataSource) {
        this(dataSource, new Announcer(dataSource));
    }

    private PostgresTaskStore(DataSource dataSource, Announcer announcer) {
        this(dataSource, announcer, new RetryingWriter(dataSource, announcer));
    }

    private PostgresTaskStore(DataSource dataSource, Announcer announcer, RetryingWriter writer) {
        super(dataSource, writer, PostgresSql.DIALECT);
        this.dataSource = dataSource;
        this.announcer = announcer;
        this.writer = writer;
    }

    @Override
    public void initialize() {
        announcer.start();
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

    /**
     * PostgreSQL's READ COMMITTED insert checks tombstones in the snapshot its statement began with; when it then
     * waits for a concurrent delete of the same name to commit, it inserts the name over the delete's new tombstone.
     * A second statement sees that tombstone: those tasks are deleted again before the add commits (nobody saw them)
     * and refused, as if the add had come after the delete.
     */
    @Override
    protected void refuseTombstonedMeanwhile(
            Connection c, String queue, List<NewTask> tasks, List<ErrorCode> results, long nowUsec)
            throws SQLException {
        PostgresDeletes.refuseTombstoned(c, queue, tasks, results, nowUsec);
    }

    /**
     * Lease calls that come while a lease of the same queue, filter and lease time runs on this server wait for it
     * and then run together, as one statement ({@link LeaseCombiner}).
     */
    @Override
    public LeaseOutcome taskLease(LeaseQuery query) {
        return combiner.lease(query);
    }

    /**
     * The lease statement reads the paused flag itself (one round trip); a lease of any tag starts at this server's
     * floor of the queue's due tasks ({@link DueFloors}).
     */
    @Override
    protected LeaseOutcome lease(Connection c, LeaseQuery query) throws SQLException {
        return PostgresLease.leaseTogether(c, List.of(query), floors).get(0);
    }

    /** Runs of more than one lease call as one statement so far (for tests). */
    long combinedLeases() {
        return combiner.combinedRuns();
    }

    /** Lease calls of the queue waiting for the one running (for tests). */
    int leasesWaiting(String queue) {
        return combiner.waiting(queue);
    }

    /** An add of a task older than a floor brings the floor down to it. */
    @Override
    protected void adding(String queue, List<NewTask> tasks, long nowUsec) {
        long oldest = Long.MAX_VALUE;
        for (NewTask t : tasks) {
            oldest = Math.min(oldest, t.etaUsec());
        }
        floors.lower(queue, oldest, oldest < nowUsec);
    }

    @Override
    protected List<ErrorCode> deleteNames(
            Connection c, String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec)
            throws SQLException {
        return PostgresDeletes.delete(c, queue, names, nowUsec, tombstoneExpiresUsec);
    }

    @Override
    public int taskRemoveExhausted(
            String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch) {
        return write(
                "remove tasks past their retry limit from queue " + queue,
                c -> PostgresSweep.remove(c, queue, queueRetryLimit, nowUsec, tombstoneExpiresUsec, batch));
    }

    // ------------------------------------------------------------------ cluster and operations

    /** In the database: the throttle and the figures are shared by every server on it. */
    @Override
    public LeaseFigures leaseFigures() {
        return new PostgresLeaseFigures(dataSource);
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
        return read("reclaim the space of dead rows", c -> {
            int vacuumed = TableBloat.vacuumWhereDue(c);
            TablePlanStats.analyzeWhereStale(c); // logs what it does; a vacuum has counted its tables already
            return vacuumed;
        });
    }

    @Override
    public synchronized void close() {
        announcer.close();
        if (notifications != null) {
            notifications.close();
            notifications = null;
        }
    }

    /** Announces, once the write commits, that the queue may have leasable tasks, to waiting leases everywhere. */
    @Override
    protected void tasksAvailable(Connection c, String queue) {
        writer.tasksAvailable(queue);
    }
}
