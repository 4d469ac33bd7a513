package io.pullqueue.store.sqlite;

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
 * The lease transaction: pick the first due candidates in (eta, creation) order that match the tag filter, then
 * lease each one, or delete and tombstone it when its retry limit forbids another lease. Runs on the caller's
 * connection inside its write transaction, so no other writer can pick the same tasks.
 */
final class SqliteLease {

    /** A due task as selected, before it is leased or removed. */
    private record Candidate(
            long seq, String name, byte[] payload, Tag tag, int retryCount, Integer retryLimit, long createdUsec) {}

    private SqliteLease() {}

    static LeaseOutcome lease(Connection c, LeaseQuery q) throws SQLException {
        List<Candidate> candidates = candidates(c, q);
        if (candidates.isEmpty()) {
            return LeaseOutcome.EMPTY;
        }
        List<Candidate> leased = new ArrayList<>(candidates.size());
        List<Candidate> removed = new ArrayList<>();
        for (Candidate k : candidates) {
            (mayLeaseAgain(k, q.queueRetryLimit()) ? leased : removed).add(k);
        }
        moveEta(c, leased, q.newEtaUsec());
        remove(c, q.queue(), removed, q.tombstoneExpiresUsec());
        List<Task> tasks = new ArrayList<>(leased.size());
        for (Candidate k : leased) {
            tasks.add(new Task(
                    q.queue(),
                    k.name(),
                    k.payload(),
                    k.payload().length,
                    k.tag(),
                    q.newEtaUsec(),
                    k.retryCount() + 1,
                    k.createdUsec(),
                    k.retryLimit()));
        }
        return new LeaseOutcome(tasks, removed.size());
    }

    /** The retry-limit rule: the task's own limit, else the queue's; a null limit never forbids a lease. */
    private static boolean mayLeaseAgain(Candidate k, Integer queueRetryLimit) {
        Integer limit = k.retryLimit() != null ? k.retryLimit() : queueRetryLimit;
        return limit == null || limit >= k.retryCount() + 1;
    }

    private static List<Candidate> candidates(Connection c, LeaseQuery q) throws SQLException {
        switch (q.filter().kind()) {
            case TAG:
                return select(c, SqliteSql.LEASE_CANDIDATES_TAG, q, q.filter().tag());
            case OLDEST_TAG:
                return oldestTagCandidates(c, q);
            default:
                return select(c, SqliteSql.LEASE_CANDIDATES_ANY, q, null);
        }
    }

    /** Candidates sharing the oldest due task's tag, or untagged candidates when that task has no tag. */
    private static List<Candidate> oldestTagCandidates(Connection c, LeaseQuery q) throws SQLException {
        Tag tag;
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.OLDEST_DUE_TAG)) {
            ps.setString(1, q.queue());
            ps.setLong(2, q.nowUsec());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                tag = Tag.ofBytes(rs.getBytes(1));
            }
        }
        return tag == null
                ? select(c, SqliteSql.LEASE_CANDIDATES_UNTAGGED, q, null)
                : select(c, SqliteSql.LEASE_CANDIDATES_TAG, q, tag);
    }

    /** Runs one of the LEASE_CANDIDATES statements; {@code tag} is bound only when not null. */
    private static List<Candidate> select(Connection c, String sql, LeaseQuery q, Tag tag) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, q.queue());
            ps.setLong(i++, q.nowUsec());
            if (tag != null) {
                ps.setBytes(i++, tag.bytes());
            }
            ps.setInt(i, q.maxTasks());
            List<Candidate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Candidate(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getBytes(3),
                            Tag.ofBytes(rs.getBytes(4)),
                            rs.getInt(5),
                            TaskRows.nullableInt(rs, 6),
                            rs.getLong(7)));
                }
            }
            return out;
        }
    }

    private static void moveEta(Connection c, List<Candidate> leased, long newEtaUsec) throws SQLException {
        if (leased.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.LEASE_TASK)) {
            for (Candidate k : leased) {
                ps.setLong(1, newEtaUsec);
                ps.setLong(2, k.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void remove(Connection c, String queue, List<Candidate> removed, long tombstoneExpiresUsec)
            throws SQLException {
        if (removed.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(removed.size());
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.DELETE_TASK_BY_SEQ)) {
            for (Candidate k : removed) {
                ps.setLong(1, k.seq());
                ps.addBatch();
                names.add(k.name());
            }
            ps.executeBatch();
        }
        SqliteDeletes.tombstone(c, queue, names, tombstoneExpiresUsec);
    }
}
