package it.io.pullqueue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Creates (dropping any leftover first) or drops the PostgreSQL database the PostgreSQL integration-test servers
 * share. Run by the build around those servers: {@code ItDatabase create|drop <host:port> <database> <user>}.
 */
public final class ItDatabase {

    private ItDatabase() {}

    public static void main(String[] args) throws SQLException {
        String action = args[0];
        String hostPort = args[1];
        String database = args[2];
        String user = args[3];
        if (!database.startsWith("pullqueue_it")) {
            throw new IllegalArgumentException("refusing to touch database " + database
                    + ": the tests only create and drop databases named pullqueue_it*");
        }
        // A data source, not DriverManager: the build runs this twice in one JVM with different class loaders.
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://" + hostPort + "/postgres");
        ds.setUser(user);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            if ("create".equals(action)) {
                s.execute("CREATE DATABASE " + database);
            }
        }
        System.out.println("[pullqueue] PostgreSQL database " + database + " on " + hostPort + ": "
                + ("create".equals(action) ? "created" : "dropped"));
    }
}
