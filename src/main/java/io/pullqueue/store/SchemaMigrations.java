package io.pullqueue.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A versioned schema: {@code schema_version} holds one row per applied migration; the migrations run in order,
 * each in the caller's transaction, and only those not yet applied. Existing migrations are never edited: a change
 * to the schema is a new migration at the end of the list.
 */
public final class SchemaMigrations {
    public static final String SELECT_SCHEMA_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version";
    static final String INSERT_SCHEMA_VERSION = "INSERT INTO schema_version (version) VALUES (?)";

    private final String createVersionTable;
    private final List<List<String>> migrations;

    /**
     * @param createVersionTable DDL that creates {@code schema_version (version INTEGER PRIMARY KEY)} if missing
     * @param migrations migration i (0-based) brings the schema to version i + 1
     */
    public SchemaMigrations(String createVersionTable, List<List<String>> migrations) {
        this.createVersionTable = createVersionTable;
        this.migrations = List.copyOf(migrations);
    }

    /** The first {@code version} migrations only: a database as an older release left it (for upgrade tests). */
    public SchemaMigrations upTo(int version) {
        return new SchemaMigrations(createVersionTable, migrations.subList(0, version));
    }

    /** The version a fully migrated database has. */
    public int currentVersion() {
        return migrations.size();
    }

    /**
     * Applies the migrations this database lacks. Returns the version found before, so the caller can log an
     * upgrade. Must run inside a transaction that no other instance can migrate concurrently with.
     */
    public int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(createVersionTable);
            int found;
            try (ResultSet rs = s.executeQuery(SELECT_SCHEMA_VERSION)) {
                rs.next();
                found = rs.getInt(1);
            }
            if (found > currentVersion()) {
                throw new SQLException("the database has schema version " + found
                        + " but this pullqueue knows only up to " + currentVersion() + "; use a newer release");
            }
            for (int v = found + 1; v <= currentVersion(); v++) {
                for (String ddl : migrations.get(v - 1)) {
                    s.execute(ddl);
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT_SCHEMA_VERSION)) {
                    ps.setInt(1, v);
                    ps.executeUpdate();
                }
            }
            return found;
        }
    }
}
