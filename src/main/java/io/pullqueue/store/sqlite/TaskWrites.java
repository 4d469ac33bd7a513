package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.NewTask;
import io.pullqueue.store.TaskReads;
import io.pullqueue.store.TaskRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched adds and deletes by name, on the caller's connection inside its write transaction. Each batch is
 * one JDBC batch; only the entries that changed nothing are looked at again to explain why.
 */
final class TaskWrites {

    private TaskWrites() {}

    /** Inserts the tasks in order; OK, TASK_ALREADY_EXISTS (live name) or TOMBSTONED_TASK per task. */
    static List<ErrorCode> add(Connection c, String queue, List<NewTask> tasks, long nowUsec) throws SQLException {
        int[] inserted;
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.INSERT_TASK)) {
            for (NewTask t : tasks) {
                ps.setString(1, queue);
                ps.setString(2, t.name());
                ps.setLong(3, t.etaUsec());
                TaskRows.setNullableTag(ps, 4, t.tag());
                TaskRows.setNullableInt(ps, 5, t.retryLimit());
                ps.setLong(6, nowUsec);
                ps.setBytes(7, t.payload());
                ps.addBatch();
            }
            inserted = ps.executeBatch();
        }
        return TaskReads.addResults(c, SqliteSql.TASK_EXISTS, queue, tasks, inserted);
    }

    /**
     * Deletes the named tasks and tombstones each deleted name; OK, TOMBSTONED_TASK (a live tombstone, also
     * for a name given twice) or UNKNOWN_TASK per name.
     */
    static List<ErrorCode> delete(
            Connection c, String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec)
            throws SQLException {
        int[] deleted = Names.deleteAndTombstone(c, SqliteSql.DELETE_TASK, queue, names, tombstoneExpiresUsec);
        List<ErrorCode> results = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            boolean tombstoned =
                    deleted[i] == 0 && TaskReads.exists(c, SqliteSql.TOMBSTONE_LIVE, queue, names.get(i), nowUsec);
            results.add(
                    deleted[i] > 0 ? ErrorCode.OK : tombstoned ? ErrorCode.TOMBSTONED_TASK : ErrorCode.UNKNOWN_TASK);
        }
        return results;
    }
}
