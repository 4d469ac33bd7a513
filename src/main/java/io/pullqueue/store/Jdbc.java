package io.pullqueue.store;

import java.sql.Connection;
import java.sql.SQLException;
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
            c.setAutoCommit(false);
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
