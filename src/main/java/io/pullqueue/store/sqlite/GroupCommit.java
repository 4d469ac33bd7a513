package io.pullqueue.store.sqlite;

import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Pieces that are {@link Combinable} with equal keys (leases of one queue and filter) run as one unit under one
 * savepoint: one statement for all of them instead of one each, succeeding or failing together.
 */
final class GroupCommit implements Writer {
    /**
     * Work that may run as one with other queued pieces of the same key, e.g. concurrent small leases of one queue
     * as one statement: their pieces run together under one savepoint, and fail together.
     */
    interface Combinable<T> extends Jdbc.SqlWork<T> {
        /** Pieces whose keys are equal run together; null: this one runs alone. */
        Object combineKey();

        /** Runs {@code pieces} (this one among them, all of one key) and returns their results in their order. */
        List<T> runTogether(Connection c, List<Combinable<T>> pieces) throws SQLException;
    }

    /** The most pieces of work in one transaction; bounds the time a transaction holds the write lock. */
    static final int MAX_GROUP = 64;

    private final DataSource dataSource;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<?>> queued = new ConcurrentLinkedQueue<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong combined = new AtomicLong();
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

    /** Pieces of work run together with others of their {@link Combinable#combineKey} so far. */
    long combined() {
        return combined.get();
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

    private void runAll(Connection c, List<Pending<?>> group) throws SQLException {
        if (group.size() == 1) {
            group.get(0).run(c);
            return;
        }
        for (List<Pending<?>> unit : units(group)) {
            Savepoint sp = c.setSavepoint();
            try {
                if (unit.size() == 1) {
                    unit.get(0).run(c);
                } else {
                    runTogether(c, unit);
                }
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                if (abortsTransaction(e)) {
                    throw e; // SQLite may have rolled back the whole transaction: every piece fails
                }
                c.rollback(sp);
                c.releaseSavepoint(sp);
                unit.forEach(p -> p.failed(Jdbc.failure(p.operation, e)));
            } catch (RuntimeException e) {
                c.rollback(sp);
                c.releaseSavepoint(sp);
                unit.forEach(p -> p.failed(e));
            }
        }
    }

    /**
     * The group in units that each run under one savepoint: a piece alone, or the pieces of one {@link
     * Combinable#combineKey}, placed where the first of them was queued. The pieces of a group were all waiting at
     * once, so any order among them is one their callers could have seen.
     */
    private List<List<Pending<?>>> units(List<Pending<?>> group) {
        List<List<Pending<?>>> units = new ArrayList<>(group.size());
        Map<Object, List<Pending<?>>> byKey = new HashMap<>();
        for (Pending<?> p : group) {
            Object key = p.work instanceof Combinable<?> w ? w.combineKey() : null;
            List<Pending<?>> unit = key == null ? null : byKey.get(key);
            if (unit == null) {
                unit = new ArrayList<>(1);
                units.add(unit);
                if (key != null) {
                    byKey.put(key, unit);
                }
            }
            unit.add(p);
        }
        return units;
    }

    /** Runs pieces of one combine key as one, and gives each its own result. */
    @SuppressWarnings("unchecked") // every piece of a unit is a Combinable<T> of the same kind (equal keys)
    private <T> void runTogether(Connection c, List<Pending<?>> unit) throws SQLException {
        List<Combinable<T>> works = new ArrayList<>(unit.size());
        for (Pending<?> p : unit) {
            works.add((Combinable<T>) p.work);
        }
        combined.addAndGet(unit.size());
        List<T> results = works.get(0).runTogether(c, works);
        for (int i = 0; i < unit.size(); i++) {
            ((Pending<T>) unit.get(i)).ran(results.get(i));
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
            ran(work.run(c));
        }

        void ran(T result) {
            value = result;
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
