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
 * Statements whose shape every SQL store shares, run on the caller's connection with that store's SQL: reads of
 * one task, a page, a queue's counts and flags, and the explanations of writes that changed nothing.
 */
public final class TaskReads {

    private TaskReads() {}

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

    /** The task with its payload; {@code sql} takes queue and name and returns a {@link TaskRows} row. */
    public static Optional<Task> get(Connection c, String sql, String queue, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, queue);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(TaskRows.task(queue, rs, true)) : Optional.empty();
            }
        }
    }

    /**
     * A page of the listing; {@code sql} takes queue, the name to start after, and a row limit, and returns
     * {@link TaskRows} rows with the payload or (without {@code withPayloads}) its length.
     */
    public static TaskPage list(
            Connection c, String sql, String queue, String afterName, int limit, boolean withPayloads)
            throws SQLException {
        List<Task> tasks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
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

    /** Runs an update with the parameters in order; returns the row count. */
    public static int update(Connection c, String sql, Object... params) throws SQLException {
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

    /** Runs a counts query: tasks, oldest ETA (null when empty), leased, due. */
    public static QueueCounts counts(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = bindAndQuery(ps, params)) {
            rs.next();
            long oldest = rs.getLong(2);
            Long oldestEta = rs.wasNull() ? null : oldest;
            return new QueueCounts(rs.getLong(1), oldestEta, rs.getLong(3), rs.getLong(4));
        }
    }

    /** The single value {@code sql} returns for the queue (a minimum; null becomes empty). */
    public static OptionalLong single(Connection c, String sql, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        }
    }

    /** True when {@code sql} returns a row for the queue whose first column is true (or non-zero). */
    public static boolean flag(Connection c, String sql, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Runs a modify-lease {@code update} (parameters: new ETA, queue, name, token, now); when it changed nothing,
     * explains why: the task exists (the token is stale or the lease ran out), its name is tombstoned, or unknown.
     */
    public static ErrorCode modifyLease(
            Connection c,
            String update,
            String taskExists,
            String tombstoneLive,
            String queue,
            String name,
            long token,
            long newEta,
            long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(update)) {
            ps.setLong(1, newEta);
            ps.setString(2, queue);
            ps.setString(3, name);
            ps.setLong(4, token);
            ps.setLong(5, now);
            if (ps.executeUpdate() > 0) {
                return ErrorCode.OK;
            }
        }
        if (exists(c, taskExists, queue, name)) {
            return ErrorCode.TASK_LEASE_EXPIRED;
        }
        return exists(c, tombstoneLive, queue, name, now) ? ErrorCode.TOMBSTONED_TASK : ErrorCode.UNKNOWN_TASK;
    }

    /**
     * One result per task of an insert batch: OK when inserted, else TASK_ALREADY_EXISTS when the name is live
     * ({@code taskExists} takes queue and name), else TOMBSTONED_TASK.
     */
    public static List<ErrorCode> addResults(
            Connection c, String taskExists, String queue, List<NewTask> tasks, int[] inserted) throws SQLException {
        List<ErrorCode> results = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            results.add(
                    inserted[i] > 0
                            ? ErrorCode.OK
                            : exists(c, taskExists, queue, tasks.get(i).name())
                                    ? ErrorCode.TASK_ALREADY_EXISTS
                                    : ErrorCode.TOMBSTONED_TASK);
        }
        return results;
    }
}
