package io.pullqueue.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own for the PostgreSQL store tests on the server at {@code pullqueue.test.postgres}
 * (default {@code 127.0.0.1:5432}, user postgres, trust auth): created before the tests, dropped after them. Each
 * test gets a fresh schema in it.
 */
final class TestDatabase {
    static final String HOST_PORT = System.getProperty("pullqueue.test.postgres", "127.0.0.1:5432");
    static final String USER = System.getProperty("pullqueue.test.postgres.user", "postgres");
    /** Per test JVM, so that builds of several checkouts on one PostgreSQL do not meet. */
    static final String NAME = "pullqueue_it_unit_" + ProcessHandle.current().pid();

    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private TestDatabase() {}

    /** Creates the database before a test class and drops it after: {@code @ExtendWith(TestDatabase.PerClass.class)}. */
    static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) throws SQLException {
            create();
        }

        @Override
        public void afterAll(ExtensionContext context) throws SQLException {
            drop();
        }
    }

    static void create() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
        admin("CREATE DATABASE " + NAME);
    }

    static void drop() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
    }

    /** A new, empty schema; returns its name. */
    static String newSchema() throws SQLException {
        String schema = "t" + SCHEMAS.incrementAndGet();
        try (Connection c = dataSource(null).getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    /** Connections to the test database whose search path is {@code schema} (null: the default). */
    static DataSource dataSource(String schema) {
        return dataSource(NAME, schema);
    }

    static DataSource dataSource(String database, String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://" + HOST_PORT + "/" + database);
        ds.setUser(USER);
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    static void admin(String sql) throws SQLException {
        try (Connection c = dataSource("postgres", null).getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    "PostgreSQL at " + HOST_PORT + " (user " + USER + ", trust auth) is needed by the "
                            + "PostgreSQL store tests: " + e.getMessage(),
                    e.getSQLState(),
                    e);
        }
    }
}
