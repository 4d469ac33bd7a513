package io.pullqueue.store.postgres;

import io.pullqueue.core.LeaseFigures;
import io.pullqueue.core.Limits;
import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The lease throttle and the leased-task figures in the shared database, so that every server sharing it sees the
 * same ones (App Engine kept them app-wide). One row per queue and second ({@code lease_second}): a lease call
 * counts itself with one upsert that returns its number in the second (only on a throttled queue). The tasks that
 * calls leased are added up in memory and written with one upsert per queue every 100 ms while leases go on, every
 * second otherwise (the maintenance timer's {@link #flush}), and before this server reads the figures: other
 * servers see them at most about a second late. Each write is one auto-commit statement that holds the row's lock
 * only for itself, and commits without waiting for the WAL flush: a crash may lose the last moment's counts, never
 * a task or a lease.
 */
final class PostgresLeaseFigures implements LeaseFigures {
    private static final Logger LOG = Logger.getLogger(PostgresLeaseFigures.class.getName());

    /** How long a busy server holds leased-task counts before writing them: one upsert per queue per interval. */
    private static final long FLUSH_EVERY_NANOS = 100_000_000L;

    private final DataSource dataSource;
    private final RetryingWriter writer;
    /** Leased-task counts not yet written, by queue and second. */
    private final ConcurrentHashMap<QueueSecond, Long> pending = new ConcurrentHashMap<>();

    private final AtomicLong lastFlushNanos = new AtomicLong(System.nanoTime());

    private record QueueSecond(String queue, long second) {}

    PostgresLeaseFigures(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new RetryingWriter(dataSource);
    }

    @Override
    public boolean tryAcquire(String queue, int perSecond, long nowUsec) {
        if (perSecond <= 0) {
            return true;
        }
        long calls = Jdbc.autoCommit(dataSource, "count a lease call of queue " + queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(PostgresSql.COUNT_LEASE_CALL)) {
                ps.setString(1, queue);
                ps.setLong(2, second(nowUsec));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return calls <= perSecond;
    }

    @Override
    public void record(String queue, int tasks, long nowUsec) {
        if (tasks <= 0) {
            return;
        }
        pending.merge(new QueueSecond(queue, second(nowUsec)), (long) tasks, Long::sum);
        long now = System.nanoTime();
        long last = lastFlushNanos.get();
        if (now - last >= FLUSH_EVERY_NANOS && lastFlushNanos.compareAndSet(last, now)) {
            flush();
        }
    }

    /**
     * Adds the held-back counts to their rows: one upsert per queue and second, however many lease calls made
     * them. A count taken off {@link #pending} is written or, if the database refuses, lost with a warning (the
     * figures are statistics; the leases themselves are committed).
     */
    @Override
    public void flush() {
        for (QueueSecond key : pending.keySet()) {
            Long tasks = pending.remove(key);
            if (tasks == null) {
                continue; // another thread took it
            }
            try {
                Jdbc.autoCommit(dataSource, "count the tasks leased from queue " + key.queue(), c -> {
                    try (PreparedStatement ps = c.prepareStatement(PostgresSql.COUNT_LEASED_TASKS)) {
                        ps.setString(1, key.queue());
                        ps.setLong(2, key.second());
                        ps.setLong(3, tasks);
                        return ps.executeUpdate();
                    }
                });
            } catch (StoreException e) {
                LOG.log(
                        Level.WARNING,
                        "the leased-task figures of queue " + key.queue() + " miss " + tasks + " tasks: "
                                + e.getMessage());
            }
        }
    }

    @Override
    public Leased leased(String queue, long nowUsec) {
        flush(); // this server's own leases are always counted
        long now = second(nowUsec);
        return Jdbc.autoCommit(dataSource, "read the leased-task figures of queue " + queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(PostgresSql.LEASED_TASKS)) {
                ps.setLong(1, now - 60);
                ps.setString(2, queue);
                ps.setLong(3, now - 3600);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Leased(rs.getLong(1), rs.getLong(2));
                }
            }
        });
    }

    @Override
    public int forget(long nowUsec, int batch) {
        long before = second(nowUsec) - 3600;
        return writer.write("forget lease figures older than an hour", c -> {
            try (PreparedStatement ps = c.prepareStatement(PostgresSql.FORGET_LEASE_SECONDS)) {
                ps.setLong(1, before);
                ps.setInt(2, batch);
                return ps.executeUpdate();
            }
        });
    }

    private static long second(long usec) {
        return Math.floorDiv(usec, Limits.USEC_PER_SECOND);
    }
}
