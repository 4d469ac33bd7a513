package io.pullqueue.store.sqlite;

import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.store.TaskRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
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

    /**
     * A lease as a piece of the group commit's work. Leases of one queue and one filter (any task, or one tag) that
     * wait for the same commit run as one: one read of the paused flag, one select of the first due candidates for
     * all of them, handed out in the order the calls were queued, and one batch of updates. That is what running
     * them one after the other in the transaction would give (each lease takes the oldest due tasks the ones before
     * it left), except that all of them see the tasks due at the latest call's time: the transaction runs after every
     * call's time, and no lease misses a task that was due when it was called.
     */
    record Work(LeaseQuery query) implements GroupCommit.Combinable<LeaseOutcome> {
        @Override
        public LeaseOutcome run(Connection c) throws SQLException {
            return SqliteTaskStore.paused(c, query.queue()) ? LeaseOutcome.PAUSED : lease(c, query);
        }

        @Override
        public Object combineKey() {
            TagFilter f = query.filter();
            return f.kind() == TagFilter.Kind.OLDEST_TAG ? null : new Key(query.queue(), f);
        }

        @Override
        public List<LeaseOutcome> runTogether(Connection c, List<GroupCommit.Combinable<LeaseOutcome>> pieces)
                throws SQLException {
            List<LeaseQuery> queries = new ArrayList<>(pieces.size());
            for (GroupCommit.Combinable<LeaseOutcome> p : pieces) {
                queries.add(((Work) p).query());
            }
            if (SqliteTaskStore.paused(c, query.queue())) {
                return Collections.nCopies(queries.size(), LeaseOutcome.PAUSED);
            }
            return leaseTogether(c, queries);
        }
    }

    /** What leases must share to run as one statement. */
    private record Key(String queue, TagFilter filter) {}

    static LeaseOutcome lease(Connection c, LeaseQuery q) throws SQLException {
        return leaseTogether(c, List.of(q)).get(0);
    }

    /** Leases for each query in turn from one select of the due candidates; all of one queue and filter. */
    private static List<LeaseOutcome> leaseTogether(Connection c, List<LeaseQuery> queries) throws SQLException {
        LeaseQuery first = queries.get(0);
        List<Candidate> candidates;
        if (first.filter().kind() == TagFilter.Kind.OLDEST_TAG) {
            candidates = oldestTagCandidates(c, first); // never combined: one query
        } else {
            long now = Long.MIN_VALUE;
            int limit = 0;
            for (LeaseQuery q : queries) {
                now = Math.max(now, q.nowUsec());
                limit += q.maxTasks();
            }
            candidates = first.filter().kind() == TagFilter.Kind.TAG
                    ? select(
                            c,
                            SqliteSql.LEASE_CANDIDATES_TAG,
                            first.queue(),
                            now,
                            first.filter().tag(),
                            limit)
                    : select(c, SqliteSql.LEASE_CANDIDATES_ANY, first.queue(), now, null, limit);
        }
        List<LeaseOutcome> outcomes = new ArrayList<>(queries.size());
        List<Candidate> leased = new ArrayList<>(candidates.size());
        List<Long> newEtas = new ArrayList<>(candidates.size());
        int next = 0;
        for (LeaseQuery q : queries) {
            int end = Math.min(next + q.maxTasks(), candidates.size());
            List<Task> tasks = new ArrayList<>(end - next);
            List<Candidate> removed = new ArrayList<>(0);
            for (Candidate k : candidates.subList(next, end)) {
                if (mayLeaseAgain(k, q.queueRetryLimit())) {
                    leased.add(k);
                    newEtas.add(q.newEtaUsec());
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
                } else {
                    removed.add(k);
                }
            }
            next = end;
            remove(c, q.queue(), removed, q.tombstoneExpiresUsec());
            outcomes.add(
                    tasks.isEmpty() && removed.isEmpty()
                            ? LeaseOutcome.EMPTY
                            : new LeaseOutcome(tasks, removed.size()));
        }
        moveEta(c, leased, newEtas);
        return outcomes;
    }

    /** The retry-limit rule: the task's own limit, else the queue's; a null limit never forbids a lease. */
    private static boolean mayLeaseAgain(Candidate k, Integer queueRetryLimit) {
        Integer limit = k.retryLimit() != null ? k.retryLimit() : queueRetryLimit;
        return limit == null || limit >= k.retryCount() + 1;
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
                ? select(c, SqliteSql.LEASE_CANDIDATES_UNTAGGED, q.queue(), q.nowUsec(), null, q.maxTasks())
                : select(c, SqliteSql.LEASE_CANDIDATES_TAG, q.queue(), q.nowUsec(), tag, q.maxTasks());
    }

    /** Runs one of the LEASE_CANDIDATES statements; {@code tag} is bound only when not null. */
    private static List<Candidate> select(Connection c, String sql, String queue, long nowUsec, Tag tag, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, queue);
            ps.setLong(i++, nowUsec);
            if (tag != null) {
                ps.setBytes(i++, tag.bytes());
            }
            ps.setInt(i, limit);
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

    /** Gives {@code leased[i]} the ETA {@code newEtas[i]} (its lease's expiry and token). */
    private static void moveEta(Connection c, List<Candidate> leased, List<Long> newEtas) throws SQLException {
        if (leased.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(SqliteSql.LEASE_TASK)) {
            for (int i = 0; i < leased.size(); i++) {
                ps.setLong(1, newEtas.get(i));
                ps.setLong(2, leased.get(i).seq());
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
