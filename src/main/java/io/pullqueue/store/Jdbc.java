package io.pullqueue.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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

    private Jdbc() {
    }

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
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c, autoCommit, e);
                throw e;
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

    /** The store's exception for a failed operation, naming it. */
    public static StoreException failure(String operation, SQLException e) {
        return new StoreException("task store: " + operation + " failed: " + e.getMessage(), e);
    }
}
