package io.pullqueue.store;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskPage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The statements every SQL store runs alike, with the same text on SQLite and PostgreSQL, and the binding and
 * reading of them on the caller's connection: reads of one task, a page, a queue's counts and flags; the add, the
 * lease change and the purge; and the explanations of writes that changed nothing. What differs by database comes
 * from the store's {@link SqlDialect}. Times are µs since the epoch, always bound as parameters.
 */
public final class TaskStatements {

    static final String PING = "SELECT 1";
    static final String TASK_EXISTS = "SELECT 1 FROM task WHERE queue = ? AND name = ?";
    /** Parameters: queue, name, now. */
    public static final String TOMBSTONE_LIVE =
            "SELECT 1 FROM tombstone WHERE queue = ? AND name = ? AND expires_usec > ?";

    static final String SELECT_TASK = "SELECT name, payload, tag, eta_usec, retry_count, created_usec, retry_limit "
            + "FROM task WHERE queue = ? AND name = ?";
    private static final String LIST_PAGE = ", tag, eta_usec, retry_count, created_usec, retry_limit "
            + "FROM task WHERE queue = ? AND name > ? ORDER BY name LIMIT ?";
    /**
     * Inserts a task unless its name is live (no-op on conflict) or held by a tombstone that has not expired.
     * Parameters: queue, name, ETA, tag, retry limit, now, payload, then queue, name, now again.
     */
    static final String INSERT_TASK = "INSERT INTO task "
            + "(queue, name, eta_usec, tag, retry_count, retry_limit, created_usec, payload) "
            + "SELECT ?, ?, ?, ?, 0, ?, ?, ? WHERE NOT EXISTS "
            + "(SELECT 1 FROM tombstone WHERE queue = ? AND name = ? AND expires_usec > ?) "
            + "ON CONFLICT (queue, name) DO NOTHING";
    /** Moves a lease: the token check (stored ETA = token, still in the future) is part of the WHERE. */
    static final String MODIFY_LEASE =
            "UPDATE task SET eta_usec = ? WHERE queue = ? AND name = ? AND eta_usec = ? AND eta_usec > ?";
    /** Tombstones every task name of a queue (parameters: expiry, queue); run before {@link #PURGE_TASKS}. */
    static final String PURGE_TOMBSTONES = "INSERT INTO tombstone (queue, name, expires_usec) "
            + "SELECT queue, name, ? FROM task WHERE queue = ? "
            + "ON CONFLICT (queue, name) DO UPDATE SET expires_usec = excluded.expires_usec";

    static final String PURGE_TASKS = "DELETE FROM task WHERE queue = ?";
    static final String QUEUE_NEXT_ETA = "SELECT min(eta_usec) FROM task WHERE queue = ?";
    static final String QUEUE_PAUSED = "SELECT paused FROM queue_state WHERE queue = ?";
    static final String SET_QUEUE_PAUSED = "INSERT INTO queue_state (queue, paused) VALUES (?, ?) "
            + "ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused";

    private TaskStatements() {}

    /** A page of the listing, in name order; without payloads only their lengths are read. */
    static String listTasks(SqlDialect dialect, boolean withPayloads) {
        return "SELECT name, " + (withPayloads ? "payload" : dialect.lengthFunction() + "(payload)") + LIST_PAGE;
    }

    /** Deletes up to {@code batch} tombstones that expired by {@code nowUsec}; returns how many. */
    public static int deleteExpiredTombstones(Connection c, SqlDialect dialect, long nowUsec, int batch)
            throws SQLException {
        String sql = "DELETE FROM tombstone WHERE (queue, name) IN "
                + "(SELECT queue, name FROM tombstone WHERE expires_usec <= ? LIMIT ?" + dialect.skipLocked() + ")";
        return update(c, sql, nowUsec, batch);
    }

    /** Runs {@code sql} with the parameters in order and says whether it returned a row. */
    public static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = bindAndQuery(ps, params)) {
            return rs.next();
        }
    }

    private static ResultSet bindAndQuery(PreparedStatement ps, Object... params) throws SQLException {
        bind(ps, params);
        return ps.executeQuery();
    }

    /** Runs an update with the parameters in order; returns the row count. */
    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    /**
     * Binds what a retry-limit sweep's selection of due tasks past their limit takes first, in both stores: queue,
     * now, the queue's retry limit (null: none) and the batch size.
     */
    public static void bindSweep(PreparedStatement ps, String queue, long nowUsec, Integer queueRetryLimit, int batch)
            throws SQLException {
        ps.setString(1, queue);
        ps.setLong(2, nowUsec);
        TaskRows.setNullableInt(ps, 3, queueRetryLimit);
        ps.setInt(4, batch);
    }

    /** The task with its payload. */
    static Optional<Task> get(Connection c, String queue, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_TASK)) {
            ps.setString(1, queue);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(TaskRows.task(queue, rs, true)) : Optional.empty();
            }
        }
    }

    /** A page of the listing: up to {@code limit} tasks after {@code afterName} in name order. */
    static TaskPage list(
            Connection c, SqlDialect dialect, String queue, String afterName, int limit, boolean withPayloads)
            throws SQLException {
        List<Task> tasks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(listTasks(dialect, withPayloads))) {
            ps.setString(1, queue);
            ps.setString(2, afterName == null ? "" : afterName);
            ps.setInt(3, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tasks.add(TaskRows.task(queue, rs, withPayloads));
                }
            }
        }
        return TaskPage.of(tasks, limit);
    }

    /** Runs the dialect's counts query (parameters: now, now, queue): tasks, oldest ETA, leased, due. */
    static QueueCounts counts(Connection c, SqlDialect dialect, String queue, long nowUsec) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.queueCounts());
                ResultSet rs = bindAndQuery(ps, nowUsec, nowUsec, queue)) {
            rs.next();
            long oldest = rs.getLong(2);
            Long oldestEta = rs.wasNull() ? null : oldest;
            return new QueueCounts(rs.getLong(1), oldestEta, rs.getLong(3), rs.getLong(4));
        }
    }

    /** The earliest ETA of the queue's tasks; empty when it has none. */
    static OptionalLong nextEta(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUEUE_NEXT_ETA)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        }
    }

    /** The queue's paused flag (false when never set). */
    static boolean paused(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUEUE_PAUSED)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Sets the queue's paused flag (a boolean column, or SQLite's 1 and 0). */
    static void setPaused(Connection c, String queue, boolean paused) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_QUEUE_PAUSED)) {
            ps.setString(1, queue);
            ps.setBoolean(2, paused);
            ps.executeUpdate();
        }
    }

    /** Tombstones every task of the queue until {@code tombstoneExpiresUsec}, then deletes them; returns how many. */
    public static long purge(Connection c, String queue, long tombstoneExpiresUsec) throws SQLException {
        update(c, PURGE_TOMBSTONES, tombstoneExpiresUsec, queue);
        return update(c, PURGE_TASKS, queue);
    }

    /**
     * Moves a lease from {@code token} to {@code newEta} if the token still holds; when it changed nothing, explains
     * why: the task exists (the token is stale or the lease ran out), its name is tombstoned, or unknown.
     */
    public static ErrorCode modifyLease(Connection c, String queue, String name, long token, long newEta, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MODIFY_LEASE)) {
            ps.setLong(1, newEta);
            ps.setString(2, queue);
            ps.setString(3, name);
            ps.setLong(4, token);
            ps.setLong(5, now);
            if (ps.executeUpdate() > 0) {
                return ErrorCode.OK;
            }
        }
        if (exists(c, TASK_EXISTS, queue, name)) {
            return ErrorCode.TASK_LEASE_EXPIRED;
        }
        return exists(c, TOMBSTONE_LIVE, queue, name, now) ? ErrorCode.TOMBSTONED_TASK : ErrorCode.UNKNOWN_TASK;
    }

    /**
     * Inserts the tasks in order as one batch; OK per inserted task, else TASK_ALREADY_EXISTS when the name is live,
     * else TOMBSTONED_TASK.
     */
    static List<ErrorCode> add(Connection c, String queue, List<NewTask> tasks, long nowUsec) throws SQLException {
        int[] inserted;
        try (PreparedStatement ps = c.prepareStatement(INSERT_TASK)) {
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
        List<ErrorCode> results = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            results.add(
                    inserted[i] > 0
                            ? ErrorCode.OK
                            : exists(c, TASK_EXISTS, queue, tasks.get(i).name())
                                    ? ErrorCode.TASK_ALREADY_EXISTS
                                    : ErrorCode.TOMBSTONED_TASK);
        }
        return results;
    }
}
