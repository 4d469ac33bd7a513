package io.pullqueue.store.postgres;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.NewTask;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Deletes by name and the tombstones they leave, on the caller's connection inside its transaction: one statement
 * deletes and tombstones, one more explains the names that changed nothing.
 */
final class PostgresDeletes {

    private PostgresDeletes() {}

    /**
     * Deletes the named tasks and tombstones them in one statement; then one query explains the names that were
     * not deleted. OK the first time a deleted name appears, TOMBSTONED_TASK for a live tombstone (also for a name
     * given twice), UNKNOWN_TASK otherwise. Names are sent sorted so that concurrent deletes lock rows in one order.
     */
    static List<ErrorCode> delete(
            Connection c, String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec)
            throws SQLException {
        Array sorted = c.createArrayOf("text", new TreeSet<>(names).toArray());
        Set<String> deleted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(PostgresSql.DELETE_TASKS)) {
            ps.setString(1, queue);
            ps.setArray(2, sorted);
            ps.setString(3, queue);
            ps.setLong(4, tombstoneExpiresUsec);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getString(1));
                }
            }
        }
        Set<String> tombstoned = deleted.size() == names.size() ? Set.of() : liveTombstones(c, queue, sorted, nowUsec);
        List<ErrorCode> results = new ArrayList<>(names.size());
        for (String name : names) {
            results.add(
                    deleted.remove(name)
                            ? ErrorCode.OK
                            : tombstoned.contains(name) ? ErrorCode.TOMBSTONED_TASK : ErrorCode.UNKNOWN_TASK);
        }
        return results;
    }

    /**
     * For {@code PostgresTaskStore.refuseTombstonedMeanwhile}: the tasks this add inserted (OK in {@code results})
     * whose names a concurrent delete has tombstoned meanwhile are deleted again (in the add's own transaction, so
     * nobody saw them) and their results become TOMBSTONED_TASK. One query when there are none; none for names the
     * server chose, which no delete could have named before this add.
     */
    static void refuseTombstoned(Connection c, String queue, List<NewTask> tasks, List<ErrorCode> results, long nowUsec)
            throws SQLException {
        List<String> inserted = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (results.get(i) == ErrorCode.OK && !tasks.get(i).nameChosen()) {
                inserted.add(tasks.get(i).name());
            }
        }
        if (inserted.isEmpty()) {
            return;
        }
        Set<String> tombstoned = liveTombstones(c, queue, c.createArrayOf("text", inserted.toArray()), nowUsec);
        if (tombstoned.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(PostgresSql.DELETE_INSERTED)) {
            ps.setString(1, queue);
            ps.setArray(2, c.createArrayOf("text", new TreeSet<>(tombstoned).toArray()));
            ps.executeUpdate();
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (results.get(i) == ErrorCode.OK
                    && tombstoned.contains(tasks.get(i).name())) {
                results.set(i, ErrorCode.TOMBSTONED_TASK);
            }
        }
    }

    private static Set<String> liveTombstones(Connection c, String queue, Array names, long nowUsec)
            throws SQLException {
        Set<String> live = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(PostgresSql.TOMBSTONES_OF)) {
            ps.setString(1, queue);
            ps.setArray(2, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) > nowUsec) {
                        live.add(rs.getString(1));
                    }
                }
            }
        }
        return live;
    }
}
