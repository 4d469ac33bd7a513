package io.pullqueue.store.sqlite;

import io.pullqueue.store.TaskStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The retry-limit sweep of SQLite: due tasks that have used up their retry limit are deleted and tombstoned. Finding them
 * is a read (it may scan the queue's due tasks, so it runs without the write lock); removing them re-checks the
 * condition in the DELETE, so a task leased, deleted or re-added in between is left alone.
 */
final class SqliteSweep {

    private SqliteSweep() {}

    /** Names of up to {@code batch} due tasks past their retry limit, oldest first. */
    static List<String> find(Connection c, String queue, Integer queueRetryLimit, long nowUsec, int batch)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.EXHAUSTED_TASKS)) {
            TaskStatements.bindSweep(ps, queue, nowUsec, queueRetryLimit, batch);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    /** Deletes those of {@code names} that still qualify, tombstones them, and returns how many. */
    static int remove(
            Connection c,
            String queue,
            List<String> names,
            Integer queueRetryLimit,
            long nowUsec,
            long tombstoneExpiresUsec)
            throws SQLException {
        int[] deleted = SqliteDeletes.deleteAndTombstone(
                c, SqliteSql.DELETE_EXHAUSTED_TASK, queue, names, tombstoneExpiresUsec, nowUsec, queueRetryLimit);
        return Arrays.stream(deleted).sum();
    }
}
