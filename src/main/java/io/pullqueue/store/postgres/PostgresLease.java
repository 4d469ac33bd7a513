package io.pullqueue.store.postgres;

import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.Tag;
import io.pullqueue.core.Task;
import io.pullqueue.store.TaskRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lease: one statement ({@link PostgresSql#LEASE_ANY} and its tag variants) picks, leases and removes.
 * Because it skips rows that other transactions hold, two instances (or two threads) leasing at once get disjoint
 * tasks, and neither waits for the other.
 */
final class PostgresLease {

    private PostgresLease() {}

    static LeaseOutcome lease(Connection c, LeaseQuery q) throws SQLException {
        String sql;
        switch (q.filter().kind()) {
            case TAG:
                sql = PostgresSql.LEASE_TAG;
                break;
            case OLDEST_TAG:
                sql = PostgresSql.LEASE_OLDEST_TAG;
                break;
            default:
                sql = PostgresSql.LEASE_ANY;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, q.queue()); // the paused flag
            ps.setString(i++, q.queue());
            ps.setLong(i++, q.nowUsec());
            switch (q.filter().kind()) {
                case TAG:
                    ps.setBytes(i++, q.filter().tag().bytes());
                    break;
                case OLDEST_TAG:
                    ps.setString(i++, q.queue());
                    ps.setLong(i++, q.nowUsec());
                    break;
                default:
                    break;
            }
            ps.setInt(i++, q.maxTasks());
            ps.setLong(i++, q.newEtaUsec());
            ps.setString(i++, q.queue());
            TaskRows.setNullableInt(ps, i++, q.queueRetryLimit());
            TaskRows.setNullableInt(ps, i++, q.queueRetryLimit());
            ps.setString(i++, q.queue());
            TaskRows.setNullableInt(ps, i++, q.queueRetryLimit());
            ps.setString(i++, q.queue());
            ps.setLong(i, q.tombstoneExpiresUsec());
            return read(ps, q);
        }
    }

    /** Columns: leased?, old ETA, seq, name, payload, tag, retry count, retry limit, created. */
    private static LeaseOutcome read(PreparedStatement ps, LeaseQuery q) throws SQLException {
        List<Task> leased = new ArrayList<>();
        int removed = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean wasLeased = rs.getBoolean(1);
                if (rs.wasNull()) {
                    return LeaseOutcome.PAUSED; // the only row when the queue is paused
                }
                if (!wasLeased) {
                    removed++;
                    continue;
                }
                byte[] payload = rs.getBytes(5);
                leased.add(new Task(
                        q.queue(),
                        rs.getString(4),
                        payload,
                        payload.length,
                        Tag.ofBytes(rs.getBytes(6)),
                        q.newEtaUsec(),
                        rs.getInt(7),
                        rs.getLong(9),
                        TaskRows.nullableInt(rs, 8)));
            }
        }
        return leased.isEmpty() && removed == 0 ? LeaseOutcome.EMPTY : new LeaseOutcome(leased, removed);
    }
}
