package io.pullqueue.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AppScale's PostgreSQL pull queue (AppTaskQueue {@code PostgresPullQueue}): one table per queue with its two partial
 * indexes, lease = {@code UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING}, delete = soft delete
 * ({@code time_deleted}). Driven directly over JDBC in autocommit, as AppScale's server does, with no HTTP in between.
 * Uses the shared PostgreSQL 15 on 127.0.0.1:5432 and a database of its own that it creates and drops.
 */
final class PostgresPeer implements Peer {
    static final String DB = "pullqueue_bench";
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/" + DB + "?user=postgres&reWriteBatchedInserts=true";
    private static final String LEASE = """
            UPDATE tasks SET lease_expires = current_timestamp + interval '600 seconds', lease_count = lease_count + 1
            FROM (SELECT task_name FROM tasks
                  WHERE time_deleted IS NULL AND lease_expires < current_timestamp
                  ORDER BY lease_expires FOR UPDATE SKIP LOCKED LIMIT ?) AS chosen
            WHERE tasks.task_name = chosen.task_name
            RETURNING tasks.task_name, tasks.payload, tasks.lease_count, tasks.lease_expires, tasks.tag""";
    private static final String DELETE =
            "UPDATE tasks SET time_deleted = current_timestamp WHERE task_name = ANY(?) AND time_deleted IS NULL";
    private static final String ADD =
            "INSERT INTO tasks (task_name, time_enqueued, lease_count, lease_expires, payload) "
                    + "VALUES (?, current_timestamp, 0, current_timestamp, ?)";
    private final AtomicLong names = new AtomicLong();

    @Override
    public String name() {
        return "postgres-appscale";
    }

    @Override
    public void start() throws Exception {
        recreate(DB);
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE tasks (
                      task_name varchar(500) NOT NULL PRIMARY KEY,
                      time_deleted timestamp,
                      time_enqueued timestamp NOT NULL,
                      lease_count integer NOT NULL,
                      lease_expires timestamp NOT NULL,
                      payload bytea,
                      tag varchar(500))""");
            s.execute("CREATE INDEX tasks_eta ON tasks (lease_expires, lease_count, tag) WHERE time_deleted IS NULL");
            s.execute("CREATE INDEX tasks_retry ON tasks (lease_count, lease_expires, tag) WHERE time_deleted IS NULL");
        }
    }

    @Override
    public void clear() throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("TRUNCATE tasks");
        }
    }

    @Override
    public long ready() throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tasks WHERE time_deleted IS NULL AND lease_expires < current_timestamp")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Bulk path: one INSERT … SELECT per 50,000 rows. */
    @Override
    public void fill(long n, byte[] payload) throws Exception {
        try (Connection c = DriverManager.getConnection(URL);
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO tasks (task_name, time_enqueued, lease_count, lease_expires, payload) "
                             + "SELECT 'f' || ?::text || '-' || g, current_timestamp, 0, current_timestamp - interval '1 second', ? "
                             + "FROM generate_series(1, ?) AS g")) {
            for (long done = 0; done < n; ) {
                long chunk = Math.min(50_000, n - done);
                ps.setString(1, Long.toString(names.incrementAndGet()));
                ps.setBytes(2, payload);
                ps.setLong(3, chunk);
                ps.executeUpdate();
                done += chunk;
            }
        }
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("ANALYZE tasks");
        }
    }

    @Override
    public Session session() throws SQLException {
        return new PgSession(DriverManager.getConnection(URL));
    }

    @Override
    public Map<String, String> describe() throws Exception {
        Map<String, String> d = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            d.put("version", one(s, "SELECT version()"));
            d.put("durability", "synchronous_commit=" + one(s, "SHOW synchronous_commit") + ", fsync=" + one(s, "SHOW fsync")
                    + ", wal_sync_method=" + one(s, "SHOW wal_sync_method") + ", commit_delay=" + one(s, "SHOW commit_delay")
                    + " (server defaults, shared instance)");
        }
        d.put("runs as", "the machine's PostgreSQL on 127.0.0.1:5432, database " + DB + " (created and dropped by the harness)");
        d.put("client", "pgJDBC, one connection per thread (TCP_NODELAY is its default), autocommit, AppScale's statements");
        return d;
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() {
        drop(DB);
    }

    /** Drops (if there) and creates a database of the harness's own on the machine's PostgreSQL. */
    static void recreate(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
    }

    static void drop(String database) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop " + database + ": " + e.getMessage());
        }
    }

    private final class PgSession implements Session {
        private final Connection c;
        private final PreparedStatement lease;
        private final PreparedStatement delete;
        private final PreparedStatement add;
        private final String prefix = "t" + names.incrementAndGet() + "-";
        private long seq;

        PgSession(Connection c) throws SQLException {
            this.c = c;
            c.setAutoCommit(true);
            lease = c.prepareStatement(LEASE);
            delete = c.prepareStatement(DELETE);
            add = c.prepareStatement(ADD);
        }

        @Override
        public List<Object> lease(int n) throws SQLException {
            lease.setInt(1, n);
            List<Object> out = new ArrayList<>(n);
            try (ResultSet rs = lease.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                    rs.getBytes(2);
                }
            }
            return out;
        }

        @Override
        public void delete(List<Object> handles) throws SQLException {
            Array names = c.createArrayOf("varchar", handles.toArray());
            delete.setArray(1, names);
            delete.executeUpdate();
        }

        @Override
        public void add(int n, byte[] payload) throws SQLException {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < n; i++) {
                    add.setString(1, prefix + (seq++));
                    add.setBytes(2, payload);
                    add.addBatch();
                }
                add.executeBatch();
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }

        @Override
        public void close() {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
