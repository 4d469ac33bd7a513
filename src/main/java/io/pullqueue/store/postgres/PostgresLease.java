package io.pullqueue.store.postgres;

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
import java.util.Comparator;
import java.util.List;

/**
 * The lease: one statement ({@link PostgresSql#LEASE_ANY} and its tag variants) picks, leases and removes.
 * Because it skips rows that other transactions hold, two instances (or two threads) leasing at once get disjoint
 * tasks, and neither waits for the other.
 */
final class PostgresLease {

    private PostgresLease() {}

    /** A picked row: its ETA before the lease and creation order, and the task as leased, or null if removed. */
    private record Pick(long oldEta, long seq, Task leased) {}

    /** What one statement did: the rows it picked, leased or removed (retry limit), and whether the queue is paused. */
    private record Picked(List<Pick> picks, boolean paused) {
        int count() {
            return picks.size();
        }

        long oldestEta() {
            long oldest = Long.MAX_VALUE;
            for (Pick p : picks) {
                oldest = Math.min(oldest, p.oldEta());
            }
            return oldest;
        }
    }

    private static final Comparator<Pick> PICK_ORDER =
            Comparator.comparingLong(Pick::oldEta).thenComparingLong(Pick::seq);

    /**
     * Leases for each query from one lease statement (or two, see {@link #lease}); all of one queue, filter and lease
     * time ({@link LeaseCombiner}). The statement asks for all of their tasks at the latest call's time and gives
     * every task the ETA of that time plus the lease time; each query then takes the next picked rows in (ETA,
     * creation) order, up to its maximum: what leasing one after the other would give, except that a task its slice
     * removes by the retry limit is not replaced.
     */
    static List<LeaseOutcome> leaseTogether(Connection c, List<LeaseQuery> queries, DueFloors floors)
            throws SQLException {
        if (queries.size() == 1) {
            return List.of(
                    outcome(lease(c, queries.get(0), floors), 0, queries.get(0).maxTasks()));
        }
        LeaseQuery first = queries.get(0);
        long now = Long.MIN_VALUE;
        long tombstoneExpires = Long.MIN_VALUE;
        int limit = 0;
        for (LeaseQuery q : queries) {
            now = Math.max(now, q.nowUsec());
            tombstoneExpires = Math.max(tombstoneExpires, q.tombstoneExpiresUsec());
            limit += q.maxTasks();
        }
        LeaseQuery all = new LeaseQuery(
                first.queue(),
                limit,
                first.filter(),
                now,
                now + (first.newEtaUsec() - first.nowUsec()),
                first.queueRetryLimit(),
                tombstoneExpires);
        Picked picked = lease(c, all, floors);
        List<LeaseOutcome> outcomes = new ArrayList<>(queries.size());
        int next = 0;
        for (LeaseQuery q : queries) {
            outcomes.add(outcome(picked, next, q.maxTasks()));
            next += q.maxTasks();
        }
        return outcomes;
    }

    /** The outcome of the picks from {@code from} on, at most {@code max} of them. */
    private static LeaseOutcome outcome(Picked p, int from, int max) {
        if (p.paused()) {
            return LeaseOutcome.PAUSED;
        }
        int end = Math.min(from + max, p.count());
        if (from >= end) {
            return LeaseOutcome.EMPTY;
        }
        List<Task> leased = new ArrayList<>(end - from);
        int removed = 0;
        for (Pick k : p.picks().subList(from, end)) {
            if (k.leased() == null) {
                removed++;
            } else {
                leased.add(k.leased());
            }
        }
        return new LeaseOutcome(leased, removed);
    }

    /**
     * Leases for {@code q}; a lease of any tag starts its scan at the queue's {@link DueFloors floor} when there is
     * one, and when that comes back short, scans from the start for the rest in the same transaction. The picks come
     * back in (ETA, creation) order.
     */
    private static Picked lease(Connection c, LeaseQuery q, DueFloors floors) throws SQLException {
        if (q.filter().kind() != TagFilter.Kind.ANY) {
            return run(c, q, PostgresSql.LEASE_ANY, DueFloors.NONE, q.maxTasks());
        }
        long stamp = floors.stamp();
        long floor = floors.floor(q.queue(), q.nowUsec());
        Picked first = floor == DueFloors.NONE
                ? run(c, q, PostgresSql.LEASE_ANY, DueFloors.NONE, q.maxTasks())
                : run(c, q, PostgresSql.LEASE_ANY_FROM, floor, q.maxTasks());
        if (first.paused()) {
            return first;
        }
        boolean filled = first.count() >= q.maxTasks();
        if (floor == DueFloors.NONE || filled) {
            floors.afterLease(q.queue(), q.nowUsec(), stamp, floor == DueFloors.NONE, filled, first.oldestEta());
            return first;
        }
        // Short from the floor: older tasks may be due below it (committed late, or added with a past ETA by
        // another server). Only the part below the floor is left to scan, so the two statements read the index
        // once between them.
        floors.afterLease(q.queue(), q.nowUsec(), stamp, true, false, 0);
        Picked rest = run(c, q, PostgresSql.LEASE_ANY_BELOW, floor, q.maxTasks() - first.count());
        return merge(first, rest);
    }

    /**
     * One lease statement. For a lease of any tag, {@code anyTag} is the statement (of the whole queue, or from or
     * below the floor) and {@code floor} its bound ({@link DueFloors#NONE} for the whole queue); a tag filter has a
     * statement of its own.
     */
    private static Picked run(Connection c, LeaseQuery q, String anyTag, long floor, int limit) throws SQLException {
        String sql;
        switch (q.filter().kind()) {
            case TAG:
                sql = PostgresSql.LEASE_TAG;
                break;
            case OLDEST_TAG:
                sql = PostgresSql.LEASE_OLDEST_TAG;
                break;
            default:
                sql = anyTag;
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
                    if (floor != DueFloors.NONE) {
                        ps.setLong(i++, floor);
                    }
                    break;
            }
            ps.setInt(i++, limit);
            ps.setLong(i++, q.newEtaUsec());
            TaskRows.setNullableInt(ps, i++, q.queueRetryLimit());
            TaskRows.setNullableInt(ps, i++, q.queueRetryLimit());
            TaskRows.setNullableInt(ps, i++, q.queueRetryLimit());
            ps.setString(i++, q.queue());
            ps.setLong(i, q.tombstoneExpiresUsec());
            return read(ps, q);
        }
    }

    /** Columns: leased?, old ETA, seq, name, payload, tag, retry count, retry limit, created. */
    private static Picked read(PreparedStatement ps, LeaseQuery q) throws SQLException {
        List<Pick> picks = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean wasLeased = rs.getBoolean(1);
                if (rs.wasNull()) {
                    return new Picked(List.of(), true); // the only row when the queue is paused
                }
                long oldEta = rs.getLong(2);
                long seq = rs.getLong(3);
                if (!wasLeased) {
                    picks.add(new Pick(oldEta, seq, null));
                    continue;
                }
                byte[] payload = rs.getBytes(5);
                picks.add(new Pick(
                        oldEta,
                        seq,
                        new Task(
                                q.queue(),
                                rs.getString(4),
                                payload,
                                payload.length,
                                Tag.ofBytes(rs.getBytes(6)),
                                q.newEtaUsec(),
                                rs.getInt(7),
                                rs.getLong(9),
                                TaskRows.nullableInt(rs, 8))));
            }
        }
        picks.sort(PICK_ORDER); // the statement answers the leased rows first, then the removed ones
        return new Picked(picks, false);
    }

    /** Both statements' picks in (ETA, creation) order, as one statement would have picked: below the floor first. */
    private static Picked merge(Picked fromFloor, Picked belowFloor) {
        if (belowFloor.count() == 0) {
            return fromFloor;
        }
        List<Pick> all = new ArrayList<>(belowFloor.picks());
        all.addAll(fromFloor.picks());
        return new Picked(all, false);
    }
}
