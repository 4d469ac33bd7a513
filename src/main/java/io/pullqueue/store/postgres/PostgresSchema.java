package io.pullqueue.store.postgres;

import io.pullqueue.store.QueueSamples;
import io.pullqueue.store.SchemaMigrations;
import java.util.List;

/**
 * The versioned schema of the PostgreSQL store (run by {@link SchemaMigrations} under an advisory lock, so
 * instances that start together migrate one after the other). Existing migrations are never edited.
 *
 * <p>Built for a high update rate: every lease and every extension rewrites a task row (its ETA is indexed, so
 * the update cannot be HOT), so the task table keeps 30 % of each page free for the new row versions, carries
 * only the three indexes the statements need, and asks autovacuum to come early (storage parameters of this table
 * only; nothing server-wide). Large payloads live in TOAST and are not copied by those updates.
 */
final class PostgresSchema {

    static final String CREATE_SCHEMA_VERSION =
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY)";

    /**
     * seq orders tasks of equal ETA by creation; it is not indexed on its own. The primary key (queue, name) finds
     * a task by name and joins the lease statement's picked rows back to the table.
     */
    static final String CREATE_TASK = "CREATE TABLE task ("
            + "queue text NOT NULL, "
            + "name text NOT NULL, "
            + "seq bigint GENERATED ALWAYS AS IDENTITY, "
            + "eta_usec bigint NOT NULL, "
            + "tag text, "
            + "retry_count integer NOT NULL DEFAULT 0, "
            + "retry_limit integer, "
            + "created_usec bigint NOT NULL, "
            + "payload bytea NOT NULL, "
            + "PRIMARY KEY (queue, name)) "
            + "WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000, "
            + "autovacuum_analyze_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 1)";
    /** First N due tasks of a queue in (eta, creation) order, the oldest ETA, and the due count. */
    static final String CREATE_TASK_DUE_INDEX =
            "CREATE INDEX task_due ON task (queue, eta_usec, seq) WITH (fillfactor = 80)";
    /**
     * First N due tasks with tag T (untagged: ''), in (eta, creation) order. Stored tags are never empty. Built on
     * the text column by migration 1 and again on the bytea column by migration 4.
     */
    static final String CREATE_TASK_TAG_DUE_INDEX =
            "CREATE INDEX task_tag_due ON task (queue, (coalesce(tag, '')), eta_usec, seq) WITH (fillfactor = 80)";

    static final String CREATE_TOMBSTONE = "CREATE TABLE tombstone ("
            + "queue text NOT NULL, "
            + "name text NOT NULL, "
            + "expires_usec bigint NOT NULL, "
            + "PRIMARY KEY (queue, name)) "
            + "WITH (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 1)";
    static final String CREATE_TOMBSTONE_EXPIRY_INDEX = "CREATE INDEX tombstone_expiry ON tombstone (expires_usec)";
    static final String CREATE_QUEUE_STATE =
            "CREATE TABLE queue_state (" + "queue text PRIMARY KEY, " + "paused boolean NOT NULL)";

    /**
     * The lease throttle's calls and the leased tasks per queue and second, shared by every server (see
     * {@code PostgresLeaseFigures}). Rows older than an hour are deleted by the maintenance pass; the counters are
     * not indexed, so their updates are HOT and stay on the page that the fill factor keeps room on.
     */
    static final String CREATE_LEASE_SECOND = "CREATE TABLE lease_second ("
            + "queue text NOT NULL, "
            + "second bigint NOT NULL, "
            + "calls integer NOT NULL, "
            + "tasks bigint NOT NULL, "
            + "PRIMARY KEY (queue, second)) "
            + "WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 1)";

    /**
     * Tags become bytes (App Engine's tags are bytes): each text tag becomes its UTF-8. The tag index is dropped
     * first and built again afterwards, on the same expression (its '' is now the empty bytea).
     */
    static final List<String> TAGS_AS_BYTES = List.of(
            "DROP INDEX task_tag_due",
            "ALTER TABLE task ALTER COLUMN tag TYPE bytea USING convert_to(tag, 'UTF8')",
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
                    List.of(CREATE_LEASE_SECOND),
                    QueueSamples.schema("text", "bigint", ""),
                    TAGS_AS_BYTES));

    /** Taken (for the transaction) before migrating: one instance at a time creates or upgrades the schema. */
    static final String LOCK_FOR_MIGRATION = "SELECT pg_advisory_xact_lock(28785, hashtext(current_schema()))";

    private PostgresSchema() {}
}
