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
import java.util.List;

/**
 * The lease: one statement ({@link PostgresSql#LEASE_ANY} and its tag variants) picks, leases and removes.
 * Because it skips rows that other transactions hold, two instances (or two threads) leasing at once get disjoint
 * tasks, and neither waits for the other.
 */
final class PostgresLease {

    private PostgresLease() {}

    /**
     * What one statement did: the tasks it leased, how many it removed (retry limit), and the oldest ETA, before
     * the lease, among all the rows it took.
     */
    private record Picked(List<Task> leased, int removed, long oldestEta, boolean paused) {
        int count() {
            return leased.size() + removed;
        }
    }

    /**
     * Leases for {@code q}; a lease of any tag starts its scan at the queue's {@link DueFloors floor} when there is
     * one, and when that comes back short, scans from the start for the rest in the same transaction.
     */
    static LeaseOutcome lease(Connection c, LeaseQuery q, DueFloors floors) throws SQLException {
        if (q.filter().kind() != TagFilter.Kind.ANY) {
            return outcome(run(c, q, PostgresSql.LEASE_ANY, DueFloors.NONE, q.maxTasks()));
        }
        long stamp = floors.stamp();
        long floor = floors.floor(q.queue(), q.nowUsec());
        Picked first = floor == DueFloors.NONE
                ? run(c, q, PostgresSql.LEASE_ANY, DueFloors.NONE, q.maxTasks())
                : run(c, q, PostgresSql.LEASE_ANY_FROM, floor, q.maxTasks());
        if (first.paused()) {
            return LeaseOutcome.PAUSED;
        }
        boolean filled = first.count() >= q.maxTasks();
        if (floor == DueFloors.NONE || filled) {
            floors.afterLease(q.queue(), q.nowUsec(), stamp, floor == DueFloors.NONE, filled, first.oldestEta());
            return outcome(first);
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
        List<Task> leased = new ArrayList<>();
        int removed = 0;
        long oldest = Long.MAX_VALUE;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean wasLeased = rs.getBoolean(1);
                if (rs.wasNull()) {
                    return new Picked(List.of(), 0, oldest, true); // the only row when the queue is paused
                }
                oldest = Math.min(oldest, rs.getLong(2));
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
        return new Picked(leased, removed, oldest, false);
    }

    private static LeaseOutcome outcome(Picked p) {
        if (p.paused()) {
            return LeaseOutcome.PAUSED;
        }
        return p.count() == 0 ? LeaseOutcome.EMPTY : new LeaseOutcome(p.leased(), p.removed());
    }

    /** Both statements' tasks in ETA order, as one statement would have answered: those below the floor first. */
    private static LeaseOutcome merge(Picked fromFloor, Picked belowFloor) {
        if (belowFloor.count() == 0) {
            return outcome(fromFloor);
        }
        List<Task> all = new ArrayList<>(belowFloor.leased());
        all.addAll(fromFloor.leased());
        return new LeaseOutcome(all, fromFloor.removed() + belowFloor.removed());
    }
}
