package io.pullqueue.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What holds a task name: tombstones (written and checked) and live tasks, on the caller's connection. */
final class Names {

    private Names() {
    }

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

    /** True if a tombstone reserves the name at {@code nowUsec} (it expires later than now). */
    static boolean isLive(Connection c, String queue, String name, long nowUsec) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.TOMBSTONE_LIVE)) {
            ps.setString(1, queue);
            ps.setString(2, name);
            ps.setLong(3, nowUsec);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** True if a task of that name is stored in the queue. */
    static boolean taskExists(Connection c, String queue, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.TASK_EXISTS)) {
            ps.setString(1, queue);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The names whose batch entry changed a row ({@code counts[i] > 0}), in order. */
    static List<String> affected(List<String> names, int[] counts) {
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            if (counts[i] > 0) {
                out.add(names.get(i));
            }
        }
        return out;
    }
}
