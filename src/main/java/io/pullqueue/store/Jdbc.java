package io.pullqueue.store;

import io.pullqueue.core.CommitUncertainException;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs store work on a connection of a {@link DataSource} that is not enlisted in a global transaction: either
 * as plain auto-commit statements, or as one local transaction that is committed when the work returns and
 * rolled back when it throws. The connection's auto-commit setting is restored before it goes back to the pool.
 * Every {@link SQLException} becomes a {@link StoreException} naming the operation.
 */
public final class Jdbc {

    /** Work done with one connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private Jdbc() {}

    /** Runs {@code work} in auto-commit mode (one statement is one transaction). */
    public static <T> T autoCommit(DataSource dataSource, String operation, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    /** Runs {@code work} as one transaction: all of its changes are committed together, or none. */
    public static <T> T transaction(DataSource dataSource, String operation, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            begin(c);
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                rollback(c, autoCommit, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                rollback(c, autoCommit, e);
                throw commitFailure(operation, e);
            }
            c.setAutoCommit(autoCommit);
            return result;
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    /**
     * Starts a transaction ({@code setAutoCommit(false)}). sqlite-jdbc runs {@code BEGIN IMMEDIATE} right here,
     * and when that fails (the database is locked past the busy timeout) it has already marked the connection as
     * in a transaction, while the pool's wrapper still takes it for auto-commit. Returned to the pool like that,
     * the connection would run the next caller's statements in auto-commit mode and then fail its commit. So the
     * two are brought back into agreement before the failure is thrown.
     */
    public static void begin(Connection c) throws SQLException {
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                resetAfterFailedBegin(c);
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    private static void resetAfterFailedBegin(Connection c) throws SQLException {
        c.setAutoCommit(false); // both layers: not auto-commit (the driver is there already, so no BEGIN runs)
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN"); // deferred: takes no lock, so it cannot find the database busy
        }
        c.setAutoCommit(true); // commits the empty transaction: both layers back in auto-commit mode
    }

    /** Rolls back and restores auto-commit; failures doing so are attached to {@code cause}, not thrown. */
    private static void rollback(Connection c, boolean autoCommit, Exception cause) {
        try {
            c.rollback();
            c.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The store's exception for an operation that failed before its commit (so nothing changed), naming it:
     * {@link ErrorCode#STORAGE_FULL} when the database had no room, else a {@link StoreException}.
     */
    public static RuntimeException failure(String operation, SQLException e) {
        if (isFull(e)) {
            return new QueueException(
                    ErrorCode.STORAGE_FULL,
                    null,
                    "the database's disk is full: " + operation
                            + " changed nothing; leases and deletes still work, adds resume when space is freed");
        }
        return new StoreException("task store: " + operation + " failed: " + e.getMessage(), e);
    }

    /**
     * The store's exception for a failed commit. A commit refused for want of space, or one the database reports
     * as rolled back (SQLSTATE class 40, or 23, 22, 42, 53 and 54: checks made before anything is written), changed
     * nothing; any other failure (a lost connection, an I/O error after the commit record may have been written)
     * leaves the outcome unknown: {@link CommitUncertainException}.
     */
    public static RuntimeException commitFailure(String operation, SQLException e) {
        String state = e.getSQLState();
        boolean rolledBack = isFull(e) && !String.valueOf(e.getMessage()).startsWith("[SQLITE_IOERR")
                || state != null
                        && state.length() == 5
                        && List.of("40", "23", "22", "42", "53", "54").contains(state.substring(0, 2));
        if (rolledBack) {
            return failure(operation, e);
        }
        return new CommitUncertainException(
                "task store: the commit of " + operation + " failed, its outcome is " + "unknown: " + e.getMessage(),
                e);
    }

    /**
     * True when the database refused a write for want of space: PostgreSQL's {@code disk_full} (SQLSTATE 53100),
     * SQLite's {@code SQLITE_FULL} (result code 13; its driver sets no SQLSTATE) and {@code SQLITE_IOERR_SHMSIZE}
     * (the WAL index could not grow its file). Before the commit both leave nothing behind; a commit that fails
     * with SHMSIZE may have written its commit record already and is not taken for "nothing changed" (see
     * {@link #commitFailure}).
     */
    public static boolean isFull(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && ("53100".equals(s.getSQLState())
                            || s.getSQLState() == null && (s.getErrorCode() & 0xff) == SQLITE_FULL
                            || String.valueOf(s.getMessage()).startsWith("[SQLITE_FULL]")
                            || String.valueOf(s.getMessage()).startsWith("[SQLITE_IOERR_SHMSIZE]"))) {
                return true;
            }
        }
        return false;
    }

    private static final int SQLITE_FULL = 13;
}
