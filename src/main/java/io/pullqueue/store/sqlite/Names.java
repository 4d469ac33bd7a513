package io.pullqueue.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What holds a task name: tombstones (written and checked) and live tasks, on the caller's connection. */
final class Names {

    private Names() {}

    /** Reserves each name until {@code expiresUsec}, replacing the expiry of an existing tombstone. */
    static void put(Connection c, String queue, Collection<String> names, long expiresUsec) throws SQLException {
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
        put(c, queue, gone, tombstoneExpiresUsec);
        return deleted;
    }
}
