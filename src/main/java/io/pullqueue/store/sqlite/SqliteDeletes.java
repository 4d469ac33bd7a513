package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.store.TaskStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Deletes by name and the tombstones they leave, on the caller's connection inside its write transaction: each
 * delete is one JDBC batch, then one batch tombstones the deleted names; only the names that changed nothing are
 * looked at again to explain why.
 */
final class SqliteDeletes {

    private SqliteDeletes() {}

    /**
     * Deletes the named tasks and tombstones each deleted name; OK, TOMBSTONED_TASK (a live tombstone, also for a
     * name given twice) or UNKNOWN_TASK per name.
     */
    static List<ErrorCode> delete(
            Connection c, String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec)
            throws SQLException {
        int[] deleted = deleteAndTombstone(c, SqliteSql.DELETE_TASK, queue, names, tombstoneExpiresUsec);
        List<ErrorCode> results = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            boolean tombstoned = deleted[i] == 0
                    && TaskStatements.exists(c, TaskStatements.TOMBSTONE_LIVE, queue, names.get(i), nowUsec);
            results.add(
                    deleted[i] > 0 ? ErrorCode.OK : tombstoned ? ErrorCode.TOMBSTONED_TASK : ErrorCode.UNKNOWN_TASK);
        }
        return results;
    }

    /** Reserves each name until {@code expiresUsec}, replacing the expiry of an existing tombstone. */
    static void tombstone(Connection c, String queue, Collection<String> names, long expiresUsec) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.PUT_TOMBSTONE)) {
            for (String name : names) {
                ps.setString(1, queue);
                ps.setString(2, name);
                ps.setLong(3, expiresUsec);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Runs {@code deleteSql} (parameters: queue, name, then {@code extra}) once per name as one batch, tombstones
     * the names it deleted until {@code tombstoneExpiresUsec}, and returns the per-name delete counts.
     */
    static int[] deleteAndTombstone(
            Connection c,
            String deleteSql,
            String queue,
            List<String> names,
            long tombstoneExpiresUsec,
            Object... extra)
            throws SQLException {
        int[] deleted;
        try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
            for (String name : names) {
                ps.setString(1, queue);
                ps.setString(2, name);
                for (int i = 0; i < extra.length; i++) {
                    ps.setObject(3 + i, extra[i]);
                }
                ps.addBatch();
            }
            deleted = ps.executeBatch();
        }
        List<String> gone = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            if (deleted[i] > 0) {
                gone.add(names.get(i));
            }
        }
        tombstone(c, queue, gone, tombstoneExpiresUsec);
        return deleted;
    }
}
