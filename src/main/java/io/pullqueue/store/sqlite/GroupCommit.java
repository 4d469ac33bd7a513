package io.pullqueue.store.sqlite;

import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * SQLite's single writer with group commit. With {@code synchronous=FULL} every commit costs an fsync, which bounds
 * a one-transaction-per-call store to the disk's fsync rate however many clients there are. Here each caller queues
 * its work and, if the write lock is free, takes it; whoever holds the lock runs every queued piece of work (up to
 * {@link #MAX_GROUP}) in one transaction, each under its own savepoint, and commits once. A piece that fails is
 * rolled back to its savepoint alone; the others still commit. Nobody's call returns before the commit that holds
 * its change, so "acknowledged means durable" holds exactly as with one transaction per call. A lone caller runs at
 * once: grouping only happens while a commit is already in progress, so it adds no latency.
 *
 * <p>A caller that finds the lock taken parks on its own piece of work. The writer wakes each caller whose piece it
 * committed (they return in parallel, while the next group runs), and on releasing the lock wakes the owner of the
 * oldest queued piece to commit the next group. Waiting in line for the lock instead made every caller of a group
 * take and release it in turn just to see its work done: a chain of thread hand-offs between commits that cost
 * lease calls of one task a fifth of their rate at 16 connections (docs/performance.md).
 */
final class GroupCommit implements Writer {
    /** The most pieces of work in one transaction; bounds the time a transaction holds the write lock. */
    static final int MAX_GROUP = 64;

    private final DataSource dataSource;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<?>> queued = new ConcurrentLinkedQueue<>();
    private final AtomicLong transactions = new AtomicLong();
    /** {@code PRAGMA wal_autocheckpoint} for the writer's connections, or null for SQLite's default. */
    private volatile String checkpointPragma;

    GroupCommit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in a committed transaction (possibly shared with other callers' work) and returns its result. */
    @Override
    public <T> T write(String operation, Jdbc.SqlWork<T> work) {
        Pending<T> mine = new Pending<>(operation, work);
        queued.add(mine);
        boolean interrupted = false;
        while (!mine.done) {
            if (writeLock.tryLock()) {
                try {
                    while (!mine.done) {
                        commitGroup();
                    }
                } finally {
                    release();
                }
            } else {
                LockSupport.park(this); // until a commit finished this piece, or the lock is free for it to lead
                interrupted |= Thread.interrupted(); // a write is not abandoned half-way; the flag is kept
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return mine.result();
    }

    /**
     * Gives up the write lock and wakes the owner of the oldest queued piece, which then commits the next group. A
     * caller whose piece was queued while the lock was held is parked; every release wakes the head of the queue,
     * so queued work always finds a writer.
     */
    private void release() {
        writeLock.unlock();
        Pending<?> next = queued.peek();
        if (next != null) {
            LockSupport.unpark(next.owner);
        }
    }

    /**
     * Runs {@code work} outside any transaction, holding the write lock: no write of this store runs meanwhile
     * (for statements that cannot run in a transaction, such as a checkpoint).
     */
    <T> T alone(String operation, Jdbc.SqlWork<T> work) {
        writeLock.lock();
        try {
            return Jdbc.autoCommit(dataSource, operation, work);
        } finally {
            release();
        }
    }

    /** Makes SQLite checkpoint the write-ahead log once it holds this many pages (0: SQLite's default). */
    void checkpointEvery(int pages) {
        checkpointPragma = pages > 0 ? "PRAGMA wal_autocheckpoint = " + pages : null;
    }

    /** Pieces of work waiting for the write lock. */
    int queued() {
        return queued.size();
    }

    /** Transactions committed so far. */
    long transactions() {
        return transactions.get();
    }

    /** Runs the queued work, oldest first, in one transaction. Called with the write lock held. */
    private void commitGroup() {
        List<Pending<?>> group = new ArrayList<>();
        for (Pending<?> p; group.size() < MAX_GROUP && (p = queued.poll()) != null; ) {
            group.add(p);
        }
        if (group.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            String pragma = checkpointPragma;
            if (pragma != null) {
                try (Statement s = c.createStatement()) {
                    s.execute(pragma); // per connection; pooled connections may be new
                }
            }
            Jdbc.begin(c);
            try {
                runAll(c, group);
            } catch (SQLException | RuntimeException e) {
                abandon(c, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                abandon(c, e);
                group.forEach(p -> p.transactionFailed(Jdbc.commitFailure(p.operation, e)));
                return;
            }
            transactions.incrementAndGet();
            group.forEach(Pending::committed);
            c.setAutoCommit(true);
        } catch (SQLException e) {
            group.forEach(p -> p.transactionFailed(Jdbc.failure(p.operation, e)));
        } catch (RuntimeException e) {
            group.forEach(p -> p.transactionFailed(e));
        } finally {
            // Whatever happened (even an Error), nobody may wait for work that was taken off the queue.
            Thread self = Thread.currentThread();
            for (Pending<?> p : group) {
                if (!p.done) {
                    p.transactionFailed(new StoreException(
                            "task store: " + p.operation + " failed: the transaction did not complete", null));
                }
                if (p.owner != self) {
                    LockSupport.unpark(p.owner); // its caller returns on its own thread, while the next group runs
                }
            }
        }
    }

    /**
     * Ends a failed transaction and returns the connection to auto-commit mode in every layer. SQLite rolls a
     * transaction back by itself on some errors (a full disk, an I/O error), after which the driver's own
     * {@code rollback()} fails and so would its return to auto-commit ("no transaction is active"); a pooled
     * connection left like that took the pool for auto-commit while the driver did not, and its next user's
     * "transaction" committed statement by statement: tasks of a failed add were stored. So: roll back what may
     * be left, open a transaction whatever the state (a deferred BEGIN fails harmlessly when one is open: the
     * driver's rollback begins the next one), and let the return to auto-commit commit that empty transaction.
     */
    static void abandon(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // SQLite already rolled it back.
        }
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN");
        } catch (SQLException e) {
            // One is open already.
        }
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void runAll(Connection c, List<Pending<?>> group) throws SQLException {
        if (group.size() == 1) {
            group.get(0).run(c);
            return;
        }
        for (Pending<?> p : group) {
            Savepoint sp = c.setSavepoint();
            try {
                p.run(c);
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                if (abortsTransaction(e)) {
                    throw e; // SQLite may have rolled back the whole transaction: every piece fails
                }
                c.rollback(sp);
                c.releaseSavepoint(sp);
                p.failed(Jdbc.failure(p.operation, e));
            } catch (RuntimeException e) {
                c.rollback(sp);
                c.releaseSavepoint(sp);
                p.failed(e);
            }
        }
    }

    /**
     * SQLite's errors after which it may have rolled back the whole transaction, not just the statement
     * (SQLITE_BUSY, NOMEM, IOERR, CORRUPT, FULL): the other pieces' work cannot be trusted to be still there.
     */
    static boolean abortsTransaction(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return e.getSQLState() == null && (code == 5 || code == 7 || code == 10 || code == 11 || code == 13)
                || Jdbc.isFull(e);
    }

    /** One caller's work and, once its transaction ended, its outcome. Guarded by the write lock. */
    private static final class Pending<T> {
        final String operation;
        final Jdbc.SqlWork<T> work;
        final Thread owner = Thread.currentThread();
        private T value;
        private RuntimeException failure;
        private boolean ran;
        volatile boolean done;

        Pending(String operation, Jdbc.SqlWork<T> work) {
            this.operation = operation;
            this.work = work;
        }

        void run(Connection c) throws SQLException {
            value = work.run(c);
            ran = true;
        }

        /** This piece's own work failed (and was rolled back to its savepoint); final at once. */
        void failed(RuntimeException e) {
            failure = e;
            done = true;
        }

        void committed() {
            if (!done && ran) {
                done = true;
            }
        }

        /** The whole transaction failed: nothing of this piece was committed. */
        void transactionFailed(RuntimeException e) {
            if (!done) {
                value = null;
                failure = e;
                done = true;
            }
        }

        T result() {
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }
}
