package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.StorageStatus;
import io.pullqueue.core.TaskStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded database's room on its filesystem, and what keeps the queue draining when there is none.
 *
 * <ul>
 *   <li><b>The floor</b>: an add that would leave less room than {@code pullqueue.storage.min.free.bytes} is refused
 *       before it starts (room: the filesystem's usable space plus the database's free pages).
 *   <li><b>The reserve</b>: a file of {@code pullqueue.storage.reserve.bytes} kept next to the database and given up
 *       when a lease, lease change or delete finds the disk full (filled by something else than adds); made again,
 *       from the filesystem's own space, once there is room above the floor for it.
 *   <li><b>The write-ahead log</b>: every write goes to the log first, and SQLite starts it over only after a
 *       checkpoint has copied it into the database file, which may grow the file. So leases and deletes on a disk
 *       filled to the last byte need room twice: for new log pages and for the checkpoint. When one meets a full
 *       disk, the reserve is given up and the log checkpointed and truncated to nothing, which gives its space back,
 *       and the write runs again; the log is checkpointed at half the reserve's size ({@link #checkpointPages}), so
 *       a checkpoint always fits in what the reserve gave. A reserve spent long ago is no end either: the log is
 *       truncated again whenever a lease or delete meets a full disk.
 * </ul>
 *
 * A write carried this way failed having changed nothing (SQLite refuses a write for want of space before its
 * commit), so running it again is safe.
 */
final class DiskRoom {
    private static final Logger LOG = Logger.getLogger(DiskRoom.class.getName());
    /** How often a write carried on a full disk is run again. */
    private static final int RETRIES = 3;
    /** SQLite's default {@code wal_autocheckpoint}. */
    private static final int SQLITE_CHECKPOINT_PAGES = 1000;

    private final long minFreeBytes;
    private final long reserveBytes;
    /** Bytes of the database's free pages (a read of the database). */
    private final LongSupplier databaseFreeBytes;

    private volatile FileStore disk;
    private volatile Path reserve;
    private volatile Path wal;
    private volatile boolean reserveHeld;
    private volatile boolean full;
    /** Room that adds in progress hold (bytes). */
    private final AtomicLong inFlight = new AtomicLong();
    /** Bytes the largest add refused since the last one let in needed; 0 once an add fitted. */
    private volatile long refusedNeed;

    DiskRoom(long minFreeBytes, long reserveBytes, LongSupplier databaseFreeBytes) {
        this.minFreeBytes = minFreeBytes;
        this.reserveBytes = reserveBytes;
        this.databaseFreeBytes = databaseFreeBytes;
    }

    long minFreeBytes() {
        return minFreeBytes;
    }

    /** Starts watching the filesystem of the database file (empty: an in-memory database, nothing to watch). */
    void watch(String databaseFile) {
        if (databaseFile.isEmpty()) {
            return;
        }
        Path file = Path.of(databaseFile);
        wal = file.resolveSibling(file.getFileName() + "-wal");
        try {
            disk = Files.getFileStore(file);
            if (reserveBytes > 0) {
                reserve = file.resolveSibling("pullqueue.reserve");
                reserveHeld = Files.size(reserve) >= reserveBytes;
            }
        } catch (NoSuchFileException e) {
            reserveHeld = false;
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot watch the free space of " + databaseFile + ": adds are not refused early",
                    e);
        }
        measure(0, true); // makes the reserve file if there is room
    }

    /**
     * Refuses an add that would leave less room than the floor, counting the room that adds in progress hold. The
     * filesystem's usable space is read on every add (one statfs call); only below the floor are the database's own
     * free pages counted too (deleted tasks leave their pages to SQLite for reuse, the file does not shrink). A
     * write needs its bytes twice: once in the WAL, once in the database file when the WAL is checkpointed; the
     * WAL's copy needs the filesystem's own space, whatever free pages the database has.
     */
    TaskStore.Room reserveRoom(long bytes) {
        long need = 2 * bytes;
        // Only adds that were let in hold room: an add refused alongside must not make this one look too big.
        for (; ; ) {
            long held = inFlight.get();
            StorageStatus s = measure(held + need, false);
            if (s != null && s.full()) {
                refusedNeed = Math.max(refusedNeed, need);
                throw new QueueException(
                        ErrorCode.STORAGE_FULL,
                        null,
                        "storage full: the database's filesystem has " + s.usableBytes() + " bytes of room; adds "
                                + "that would leave less than " + minFreeBytes + " bytes "
                                + "(pullqueue.storage.min.free.bytes) are refused, nothing was added; leases and "
                                + "deletes still work, and adds resume by themselves when room is freed");
            }
            if (inFlight.compareAndSet(held, held + need)) {
                refusedNeed = 0;
                return () -> inFlight.addAndGet(-need);
            }
        }
    }

    /**
     * Full while the room is below the floor, or an add was refused and one of its size would still not fit (so
     * that readiness does not say OK to a client whose adds are refused). Of the adds refused since the last one let
     * in, the largest counts: a small add refused while others held room may fit now, a large one still not.
     */
    StorageStatus storage() {
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
        long own;
        try {
            own = d.getUsableSpace();
        } catch (IOException e) {
            return null;
        }
        long room = own;
        if (exact || room - needed < minFreeBytes) {
            room += databaseFreeBytes.getAsLong();
        }
        // The log's copy must fit in the filesystem's own space too: free pages hold database pages, not log pages.
        boolean nowFull = room - needed < minFreeBytes || minFreeBytes > 0 && own < needed / 2;
        // The reserve is made from the filesystem's own space only: the database's free pages cannot hold a file.
        if (!nowFull && !reserveHeld && reserve != null && own - reserveBytes >= minFreeBytes) {
            makeReserve();
        }
        if (needed > 0 || nowFull != full) {
            noteFull(nowFull, room);
        }
        return new StorageStatus(nowFull, room, minFreeBytes);
    }

    private void noteFull(boolean nowFull, long room) {
        if (nowFull != full) {
            full = nowFull;
            if (nowFull) {
                LOG.warning(() -> "storage full: " + room + " bytes of room left, adds are refused below "
                        + minFreeBytes + " (pullqueue.storage.min.free.bytes); leases and deletes go on");
            } else {
                LOG.info(() -> "storage has room again: " + room + " bytes; adds are accepted");
            }
        }
    }

    /**
     * Runs a write that frees room or needs little (lease, lease change, delete, bookkeeping). If it meets a full
     * disk (it then changed nothing), it runs again on the reserve's space, then, as long as that helps, after
     * {@code truncateLog} gave the write-ahead log's space back.
     *
     * @param truncateLog checkpoints the WAL and truncates it (SQLite's {@code wal_checkpoint(TRUNCATE)})
     */
    <T> T carry(Supplier<T> write, Runnable truncateLog) {
        for (int attempt = 0; ; attempt++) {
            try {
                return write.get();
            } catch (QueueException e) {
                if (e.code() != ErrorCode.STORAGE_FULL || attempt >= RETRIES) {
                    throw e;
                }
                // The reserve's space first lets the checkpoint grow the database file by the pages the log holds;
                // truncating the log then gives back more than that.
                boolean released = releaseReserve();
                if (!truncate(truncateLog) && !released) {
                    throw e;
                }
            }
        }
    }

    /**
     * How many pages the write-ahead log may hold before SQLite checkpoints it: half the smaller of the reserve and
     * the floor, at most SQLite's default of 1,000 (which stays in force, 0 here, when both are that large or there
     * are none). Half the reserve, so that a checkpoint on a full disk can always grow the database file within the
     * reserve; half the floor, because the log's copy of what adds wrote is not yet in the database file, and the
     * checkpoint that moves it there takes its room from below the floor. (The server's connections stay open, so
     * the log file is reused, not deleted, between checkpoints.)
     */
    int checkpointPages(long pageSize) {
        long bound = Long.MAX_VALUE;
        if (reserveBytes > 0) {
            bound = reserveBytes;
        }
        if (minFreeBytes > 0) {
            bound = Math.min(bound, minFreeBytes);
        }
        long pages = bound / 2 / Math.max(1, pageSize);
        return pages >= SQLITE_CHECKPOINT_PAGES ? 0 : (int) Math.max(16, pages);
    }

    /** Truncates the WAL; true if that gave space back. */
    private boolean truncate(Runnable truncateLog) {
        long before = walSize();
        try {
            truncateLog.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot truncate the write-ahead log on a full disk", e);
            return false;
        }
        long after = walSize();
        if (after < before) {
            LOG.info(() -> "disk full: write-ahead log truncated from " + before + " to " + after
                    + " bytes so that leases and deletes go on");
            return true;
        }
        return false;
    }

    private long walSize() {
        try {
            return wal == null ? 0 : Files.size(wal);
        } catch (IOException e) {
            return 0;
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
}
