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
 * is a read (it scans the due index of the queue, so it runs without the write lock; only the rows of tasks leased
 * before are read); removing them re-checks the condition in the DELETE, so a task leased, deleted or re-added in
 * between is left alone.
 */
final class SqliteSweep {

    private SqliteSweep() {}

    /**
     * Names of up to {@code batch} due tasks past their retry limit: those leased before, oldest first, then those
     * never leased whose own limit is 0 (for a queue whose limit is 0, every due task).
     */
    static List<String> find(Connection c, String queue, Integer queueRetryLimit, long nowUsec, int batch)
            throws SQLException {
        boolean limit0 = queueRetryLimit != null && queueRetryLimit == 0;
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(limit0 ? SqliteSql.EXHAUSTED_TASKS_LIMIT_0 : SqliteSql.EXHAUSTED_TASKS)) {
            TaskStatements.bindSweep(ps, queue, nowUsec, queueRetryLimit, batch);
            read(ps, names);
        }
        if (!limit0 && names.size() < batch) {
            try (PreparedStatement ps = c.prepareStatement(SqliteSql.NEVER_LEASABLE_TASKS)) {
                ps.setString(1, queue);
                ps.setLong(2, nowUsec);
                ps.setInt(3, batch - names.size());
                read(ps, names);
            }
        }
        return names;
    }

    private static void read(PreparedStatement ps, List<String> names) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
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
