package io.pullqueue.store.sqlite;

import io.pullqueue.store.QueueSamples;
import io.pullqueue.store.SchemaMigrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The versioned schema of the SQLite store (run by {@link SchemaMigrations}). Existing migrations are never
 * edited: a change to the schema is a new migration at the end of {@link #MIGRATIONS}.
 */
final class SqliteSchema {

    static final String CREATE_SCHEMA_VERSION =
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY) STRICT";
    static final String SELECT_SCHEMA_VERSION = SchemaMigrations.SELECT_SCHEMA_VERSION;

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
    static final String CREATE_TASK_DUE_INDEX = "CREATE INDEX task_due ON task (queue, eta_usec, seq, retry_count)";
    /**
     * First N due tasks of a queue with tag T, or with no tag (tag IS NULL), in (eta, creation) order. Built on
     * the text column by migration 1 and again on the BLOB column by migration 4.
     */
    static final String CREATE_TASK_TAG_DUE_INDEX = "CREATE INDEX task_tag_due ON task (queue, tag, eta_usec)";

    /**
     * Tasks whose own retry limit is 0, which the retry-limit sweep must find before they were ever leased (the due
     * index finds those leased before). Such tasks are rare, and other rows never touch this index (migration 4).
     */
    static final String CREATE_TASK_OWN_LIMIT_0_INDEX =
            "CREATE INDEX task_own_limit_0 ON task (queue, eta_usec, seq) WHERE retry_limit = 0";

    static final String CREATE_TOMBSTONE = "CREATE TABLE tombstone ("
            + "queue TEXT NOT NULL, "
            + "name TEXT NOT NULL, "
            + "expires_usec INTEGER NOT NULL, "
            + "PRIMARY KEY (queue, name)) WITHOUT ROWID, STRICT";
    static final String CREATE_TOMBSTONE_EXPIRY_INDEX = "CREATE INDEX tombstone_expiry ON tombstone (expires_usec)";
    static final String CREATE_QUEUE_STATE = "CREATE TABLE queue_state ("
            + "queue TEXT PRIMARY KEY, "
            + "paused INTEGER NOT NULL) WITHOUT ROWID, STRICT";

    /**
     * Tags become bytes (App Engine's tags are bytes): a STRICT table cannot change a column's type, so the text
     * column is replaced by a BLOB column holding each tag's UTF-8, and the tag index is built again on it.
     * Every statement names its columns, so the new column's place at the end of the row does not matter.
     */
    static final List<String> TAGS_AS_BYTES = List.of(
            "DROP INDEX task_tag_due",
            "ALTER TABLE task ADD COLUMN tag_bytes BLOB",
            "UPDATE task SET tag_bytes = CAST(tag AS BLOB) WHERE tag IS NOT NULL",
            "ALTER TABLE task DROP COLUMN tag",
            "ALTER TABLE task RENAME COLUMN tag_bytes TO tag",
            CREATE_TASK_TAG_DUE_INDEX);

    /** Migration i (0-based) brings the schema to version i + 1. */
    static final SchemaMigrations MIGRATIONS = new SchemaMigrations(
            CREATE_SCHEMA_VERSION,
            List.of(
                    List.of(
                            CREATE_TASK,
                            CREATE_TASK_DUE_INDEX,
                            CREATE_TASK_TAG_DUE_INDEX,
                            CREATE_TOMBSTONE,
                            CREATE_TOMBSTONE_EXPIRY_INDEX,
                            CREATE_QUEUE_STATE),
                    QueueSamples.schema("TEXT", "INTEGER", " WITHOUT ROWID, STRICT"),
                    TAGS_AS_BYTES,
                    List.of(CREATE_TASK_OWN_LIMIT_0_INDEX)));

    /** The version a fully migrated database has. */
    static final int CURRENT_VERSION = MIGRATIONS.currentVersion();

    private SqliteSchema() {}

    /** Applies the migrations this database lacks; returns the version found before. Runs in a write transaction. */
    static int migrate(Connection c) throws SQLException {
        return MIGRATIONS.migrate(c);
    }
}
