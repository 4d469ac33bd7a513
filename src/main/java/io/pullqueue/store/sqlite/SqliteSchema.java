package io.pullqueue.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The versioned schema of the SQLite store. {@code schema_version} holds one row per applied migration; the
 * migrations below run in order, each in the caller's transaction, and only those not yet applied. Existing
 * migrations are never edited: a change to the schema is a new migration at the end of {@link #MIGRATIONS}.
 */
final class SqliteSchema {

    static final String CREATE_SCHEMA_VERSION =
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY) STRICT";
    static final String SELECT_SCHEMA_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version";
    static final String INSERT_SCHEMA_VERSION = "INSERT INTO schema_version (version) VALUES (?)";

    /** seq is the rowid: it grows with every insert, so it orders tasks of equal ETA by creation. */
    static final String CREATE_TASK = "CREATE TABLE task ("
            + "seq INTEGER PRIMARY KEY, "
            + "queue TEXT NOT NULL, "
            + "name TEXT NOT NULL, "
            + "eta_usec INTEGER NOT NULL, "
            + "tag TEXT, "
            + "retry_count INTEGER NOT NULL DEFAULT 0, "
            + "retry_limit INTEGER, "
            + "created_usec INTEGER NOT NULL, "
            + "payload BLOB NOT NULL, "
            + "UNIQUE (queue, name)) STRICT";
    /**
     * First N due tasks of a queue in (eta, creation) order, the oldest ETA, and the due and leased counts
     * (retry_count makes the leased count index-only; it changes together with the ETA on every lease).
     */
    static final String CREATE_TASK_DUE_INDEX =
            "CREATE INDEX task_due ON task (queue, eta_usec, seq, retry_count)";
    /** First N due tasks of a queue with tag T, or with no tag (tag IS NULL), in (eta, creation) order. */
    static final String CREATE_TASK_TAG_DUE_INDEX = "CREATE INDEX task_tag_due ON task (queue, tag, eta_usec)";
    static final String CREATE_TOMBSTONE = "CREATE TABLE tombstone ("
            + "queue TEXT NOT NULL, "
            + "name TEXT NOT NULL, "
            + "expires_usec INTEGER NOT NULL, "
            + "PRIMARY KEY (queue, name)) WITHOUT ROWID, STRICT";
    static final String CREATE_TOMBSTONE_EXPIRY_INDEX =
            "CREATE INDEX tombstone_expiry ON tombstone (expires_usec)";
    static final String CREATE_QUEUE_STATE = "CREATE TABLE queue_state ("
            + "queue TEXT PRIMARY KEY, "
            + "paused INTEGER NOT NULL) WITHOUT ROWID, STRICT";

    /** Migration i (0-based) brings the schema to version i + 1. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of(CREATE_TASK, CREATE_TASK_DUE_INDEX, CREATE_TASK_TAG_DUE_INDEX,
                    CREATE_TOMBSTONE, CREATE_TOMBSTONE_EXPIRY_INDEX, CREATE_QUEUE_STATE));

    /** The version a fully migrated database has. */
    static final int CURRENT_VERSION = MIGRATIONS.size();

    private SqliteSchema() {
    }

    /**
     * Applies the migrations this database lacks. Returns the version found before, so the caller can log an
     * upgrade. Must run inside a write transaction.
     */
    static int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_SCHEMA_VERSION);
            int found;
            try (ResultSet rs = s.executeQuery(SELECT_SCHEMA_VERSION)) {
                rs.next();
                found = rs.getInt(1);
            }
            if (found > CURRENT_VERSION) {
                throw new SQLException("the database has schema version " + found
                        + " but this pullqueue knows only up to " + CURRENT_VERSION + "; use a newer release");
            }
            for (int v = found + 1; v <= CURRENT_VERSION; v++) {
                for (String ddl : MIGRATIONS.get(v - 1)) {
                    s.execute(ddl);
                }
                recordVersion(c, v);
            }
            return found;
        }
    }

    private static void recordVersion(Connection c, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_SCHEMA_VERSION)) {
            ps.setInt(1, version);
            ps.executeUpdate();
        }
    }
}
