package io.pullqueue.store.postgres;

import io.pullqueue.store.TaskStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The retry-limit sweep of PostgreSQL: one statement ({@link PostgresSql#REMOVE_EXHAUSTED}) deletes and tombstones
 * due tasks that have used up their retry limit, skipping rows that a lease holds at that moment.
 */
final class PostgresSweep {

    private PostgresSweep() {}

    /** Removes up to {@code batch} due tasks past their retry limit, tombstoning their names; returns how many. */
    static int remove(
            Connection c, String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PostgresSql.REMOVE_EXHAUSTED)) {
            TaskStatements.bindSweep(ps, queue, nowUsec, queueRetryLimit, batch);
            ps.setString(5, queue);
            ps.setLong(6, tombstoneExpiresUsec);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
