package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.StorageStatus;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.Jdbc;
import io.pullqueue.store.SqlTaskStore;
import io.pullqueue.store.TaskStatements;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The embedded {@link TaskStore}: SQLite in WAL mode. SQLite allows one writer at a time, so every write goes
 * through {@link GroupCommit}: one writer at a time, and the writes that queued up during a commit share the next
 * transaction (one fsync for all of them); reads run concurrently on their own connections and see the last
 * committed state. Connections must not be enlisted in global transactions:
 * this store commits and rolls back itself.
 */
public final class SqliteTaskStore extends SqlTaskStore {
    private static final Logger LOG = Logger.getLogger(SqliteTaskStore.class.getName());

    /** The default free-space floor below which adds are refused: 64 MiB. */
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

    private final long minFreeBytes;
    private final long reserveBytes;
    private volatile Path reserve;
    private volatile boolean reserveHeld;
    private volatile FileStore disk;
    private volatile boolean full;
    /** Room that adds in progress hold (bytes). */
    private final AtomicLong inFlight = new AtomicLong();
    /** Bytes the last add needed when it was refused; 0 once an add fitted. */
    private volatile long refusedNeed;

    public SqliteTaskStore(DataSource dataSource) {
        this(dataSource, DEFAULT_MIN_FREE_BYTES);
    }

    /** A store with the given free-space floor and no reserve file. */
    public SqliteTaskStore(DataSource dataSource, long minFreeBytes) {
        this(dataSource, minFreeBytes, 0);
    }

    /**
     * @param minFreeBytes adds are refused with STORAGE_FULL when they would leave less room than this on the
     *     database's filesystem (room: the filesystem's usable space plus the database's free pages)
     * @param reserveBytes size of the reserve file {@code pullqueue.reserve} kept next to the database: given up
     *     when a lease, lease change or delete finds the disk full (filled by something else than adds), so that
     *     it can run; made again when there is room
     */
    public SqliteTaskStore(DataSource dataSource, long minFreeBytes, long reserveBytes) {
        super(dataSource, new GroupCommit(dataSource), SqliteSql.DIALECT);
        this.minFreeBytes = minFreeBytes;
        this.reserveBytes = reserveBytes;
    }

    @Override
    public void initialize() {
        int found = write("initialize the schema", SqliteSchema::migrate);
        String journal = read("read the journal mode", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.JOURNAL_MODE)) {
                return rs.next() ? rs.getString(1) : "unknown";
            }
        });
        String file = read("find the database file", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.DATABASE_FILE)) {
                return rs.next() ? rs.getString(1) : "";
            }
        });
        try {
            disk = file.isEmpty() ? null : Files.getFileStore(Path.of(file));
            if (disk != null && reserveBytes > 0) {
                reserve = Path.of(file).resolveSibling("pullqueue.reserve");
                reserveHeld = Files.size(reserve) >= reserveBytes;
            }
        } catch (NoSuchFileException e) {
            reserveHeld = false;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot watch the free space of " + file + ": adds are not refused early", e);
        }
        LOG.info(() -> "SQLite task store ready: schema version " + SqliteSchema.CURRENT_VERSION
                + (found == SqliteSchema.CURRENT_VERSION ? "" : " (was " + found + ")")
                + ", journal_mode " + journal + ", adds refused below " + minFreeBytes + " bytes free");
        measure(0, true); // makes the reserve file if there is room
        if (!"wal".equalsIgnoreCase(journal)) {
            LOG.warning(() -> "SQLite journal_mode is " + journal + ", not WAL: reads will wait for writes");
        }
    }

    /**
     * Refuses an add that would leave less room than the floor, counting the room that adds in progress hold. The
     * filesystem's usable space is read on every add (one statfs call); only below the floor are the database's own
     * free pages counted too (deleted tasks leave their pages to SQLite for reuse, the file does not shrink). A
     * write needs its bytes twice: once in the WAL, once in the database file when the WAL is checkpointed.
     */
    @Override
    public Room reserveRoom(long bytes) {
        long need = 2 * bytes;
        long held = inFlight.addAndGet(need);
        StorageStatus s;
        try {
            s = measure(held, false);
        } catch (RuntimeException e) {
            inFlight.addAndGet(-need);
            throw e;
        }
        if (s != null && s.full()) {
            inFlight.addAndGet(-need);
            refusedNeed = need;
            throw new QueueException(
                    ErrorCode.STORAGE_FULL,
                    null,
                    "storage full: the database's filesystem has "
                            + s.usableBytes() + " bytes of room; adds that would leave less than " + minFreeBytes
                            + " bytes (pullqueue.storage.min.free.bytes) are refused, nothing was added; leases and deletes "
                            + "still work, and adds resume by themselves when room is freed");
        }
        refusedNeed = 0;
        return () -> inFlight.addAndGet(-need);
    }

    /**
     * Full while the room is below the floor, or an add was refused and one of its size would still not fit (so
     * that readiness does not say OK to a client whose adds are refused).
     */
    @Override
    public StorageStatus storage() {
        StorageStatus s = measure(refusedNeed, true);
        if (s != null && !s.full()) {
            refusedNeed = 0;
        }
        return s;
    }

    private StorageStatus measure(long needed, boolean exact) {
        FileStore d = disk;
        if (d == null) {
            return null;
        }
        long usable;
        try {
            usable = d.getUsableSpace();
        } catch (IOException e) {
            return null;
        }
        if (exact || usable - needed < minFreeBytes) {
            usable += read("count the database's free pages", c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(SqliteSql.FREE_BYTES)) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            });
        }
        boolean nowFull = usable - needed < minFreeBytes;
        if (!nowFull && !reserveHeld && reserve != null && usable - reserveBytes >= minFreeBytes) {
            makeReserve();
        }
        if (needed > 0 || nowFull != full) {
            noteFull(nowFull, usable);
        }
        return new StorageStatus(nowFull, usable, minFreeBytes);
    }

    private void noteFull(boolean nowFull, long usable) {
        if (nowFull != full) {
            full = nowFull;
            if (nowFull) {
                LOG.warning(() -> "storage full: " + usable + " bytes of room left, adds are refused below "
                        + minFreeBytes + " (pullqueue.storage.min.free.bytes); leases and deletes go on");
            } else {
                LOG.info(() -> "storage has room again: " + usable + " bytes; adds are accepted");
            }
        }
    }

    /** Writes the reserve file, all of its bytes (a sparse file would reserve nothing). */
    private synchronized void makeReserve() {
        if (reserveHeld) {
            return;
        }
        try (FileChannel ch = FileChannel.open(reserve, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            for (long at = 0; at < reserveBytes; at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), reserveBytes - at));
                while (zeros.hasRemaining()) {
                    ch.write(zeros, at + zeros.position());
                }
            }
            ch.force(true);
            reserveHeld = true;
            LOG.info(() -> "storage reserve of " + reserveBytes + " bytes held in " + reserve);
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot make the storage reserve now", e);
            try {
                Files.deleteIfExists(reserve);
            } catch (IOException d) {
                LOG.log(Level.FINE, "cannot delete the partial storage reserve", d);
            }
        }
    }

    /** Gives the reserve file's space to the database; true if there was one to give. */
    private synchronized boolean releaseReserve() {
        if (!reserveHeld) {
            return false;
        }
        try {
            Files.deleteIfExists(reserve);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the storage reserve " + reserve, e);
            return false;
        }
        reserveHeld = false;
        LOG.warning(() -> "disk full: storage reserve of " + reserveBytes + " bytes released so that leases and "
                + "deletes go on; it is made again when there is room");
        return true;
    }

    /**
     * A write that frees room or needs little (lease, lease change, delete, bookkeeping): if the disk is full it
     * failed having changed nothing, so it runs once more on the reserve's space.
     */
    private <T> T writeOnReserve(String operation, Jdbc.SqlWork<T> work) {
        try {
            return write(operation, work);
        } catch (QueueException e) {
            if (e.code() == ErrorCode.STORAGE_FULL && releaseReserve()) {
                return write(operation, work);
            }
            throw e;
        }
    }

    @Override
    public LeaseOutcome taskLease(LeaseQuery query) {
        return writeOnReserve("lease tasks of queue " + query.queue(), c -> SqliteLease.lease(c, query));
    }

    @Override
    public ErrorCode taskModifyLease(String queue, String name, long tokenEtaUsec, long newEtaUsec, long nowUsec) {
        return writeOnReserve("modify the lease of task " + name + " in queue " + queue, c -> {
            return TaskStatements.modifyLease(c, queue, name, tokenEtaUsec, newEtaUsec, nowUsec);
        });
    }

    @Override
    protected List<ErrorCode> deleteNames(String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec) {
        return writeOnReserve(
                "delete tasks of queue " + queue,
                c -> SqliteDeletes.delete(c, queue, names, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public long queuePurge(String queue, long tombstoneExpiresUsec) {
        return writeOnReserve("purge queue " + queue, c -> TaskStatements.purge(c, queue, tombstoneExpiresUsec));
    }

    @Override
    public int taskRemoveExhausted(
            String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch) {
        String operation = "remove tasks past their retry limit from queue " + queue;
        List<String> names = read(operation, c -> SqliteSweep.find(c, queue, queueRetryLimit, nowUsec, batch));
        if (names.isEmpty()) {
            return 0;
        }
        return writeOnReserve(
                operation, c -> SqliteSweep.remove(c, queue, names, queueRetryLimit, nowUsec, tombstoneExpiresUsec));
    }

    @Override
    public int tombstoneDeleteExpired(long nowUsec, int batch) {
        return writeOnReserve(
                "delete expired tombstones",
                c -> TaskStatements.deleteExpiredTombstones(c, SqliteSql.DIALECT, nowUsec, batch));
    }
}
