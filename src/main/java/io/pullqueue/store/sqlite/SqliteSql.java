package io.pullqueue.store.sqlite;

import io.pullqueue.store.SqlDialect;

/**
 * The data statements of the SQLite store that are its own (those it shares with PostgreSQL are in
 * {@code TaskStatements}). Times are µs since the epoch, always bound as parameters. Numbered parameters
 * ({@code ?1}) are used where a value appears twice.
 */
final class SqliteSql {

    static final String JOURNAL_MODE = "PRAGMA journal_mode";
    /** The path of the main database file. */
    static final String DATABASE_FILE = "SELECT file FROM pragma_database_list WHERE name = 'main'";
    /** Bytes of the database's free pages, which new rows reuse before the file grows. */
    static final String FREE_BYTES =
            "SELECT f.freelist_count * s.page_size FROM pragma_freelist_count f, " + "pragma_page_size s";

    static final String PAGE_SIZE = "PRAGMA page_size";
    /** Copies the write-ahead log into the database and truncates it to nothing, giving its space back. */
    static final String TRUNCATE_LOG = "PRAGMA wal_checkpoint(TRUNCATE)";

    // ------------------------------------------------------------------------------------------ tasks

    static final String DELETE_TASK = "DELETE FROM task WHERE queue = ? AND name = ?";

    // ------------------------------------------------------------------------------------------ lease

    /** The tag of the oldest due task (a null tag means it is untagged). */
    static final String OLDEST_DUE_TAG =
            "SELECT tag FROM task WHERE queue = ? AND eta_usec <= ? " + "ORDER BY eta_usec, seq LIMIT 1";

    private static final String CANDIDATES = "SELECT seq, name, payload, tag, retry_count, retry_limit, "
            + "created_usec FROM task WHERE queue = ? AND eta_usec <= ? ";
    private static final String CANDIDATE_ORDER = "ORDER BY eta_usec, seq LIMIT ?";
    /** Parameters: queue, now, limit. */
    static final String LEASE_CANDIDATES_ANY = CANDIDATES + CANDIDATE_ORDER;
    /** Parameters: queue, now, tag, limit. */
    static final String LEASE_CANDIDATES_TAG = CANDIDATES + "AND tag = ? " + CANDIDATE_ORDER;
    /** Parameters: queue, now, limit. */
    static final String LEASE_CANDIDATES_UNTAGGED = CANDIDATES + "AND tag IS NULL " + CANDIDATE_ORDER;

    static final String LEASE_TASK = "UPDATE task SET eta_usec = ?, retry_count = retry_count + 1 WHERE seq = ?";
    static final String DELETE_TASK_BY_SEQ = "DELETE FROM task WHERE seq = ?";

    // ------------------------------------------------------------------------------- retry-limit sweep

    /**
     * Due tasks leased before that are past their retry limit (their own, else the queue's ?3; none when both are
     * null). {@code retry_count} is in the due index, so the tasks never leased, most of a backlog, are passed over
     * in the index without reading their rows (at 500,000 due tasks: 44 ms instead of 250 ms).
     */
    static final String EXHAUSTED_TASKS = "SELECT name FROM task WHERE queue = ?1 AND eta_usec <= ?2 "
            + "AND retry_count > 0 AND coalesce(retry_limit, ?3) <= retry_count ORDER BY eta_usec, seq LIMIT ?4";
    /**
     * Due tasks never leased whose own retry limit is 0 (parameters: queue, now, limit), from their partial index:
     * the rest of what {@link #EXHAUSTED_TASKS} leaves out for a queue whose limit is not 0.
     */
    static final String NEVER_LEASABLE_TASKS = "SELECT name FROM task WHERE queue = ? AND eta_usec <= ? "
            + "AND retry_limit = 0 AND retry_count = 0 ORDER BY eta_usec, seq LIMIT ?";
    /** For a queue whose limit ?3 is 0, every due task without a limit of its own is past it: all due tasks. */
    static final String EXHAUSTED_TASKS_LIMIT_0 = "SELECT name FROM task WHERE queue = ?1 AND eta_usec <= ?2 "
            + "AND coalesce(retry_limit, ?3) <= retry_count ORDER BY eta_usec, seq LIMIT ?4";
    /** Deletes one task found by {@link #EXHAUSTED_TASKS} if it still qualifies. */
    static final String DELETE_EXHAUSTED_TASK = "DELETE FROM task WHERE queue = ?1 AND name = ?2 "
            + "AND eta_usec <= ?3 AND coalesce(retry_limit, ?4) <= retry_count";

    // ------------------------------------------------------------------------------------- tombstones

    /** Reserves a name until the given time (a later delete of the same name replaces the expiry). */
    static final String PUT_TOMBSTONE = "INSERT INTO tombstone (queue, name, expires_usec) VALUES (?, ?, ?) "
            + "ON CONFLICT (queue, name) DO UPDATE SET expires_usec = excluded.expires_usec";

    // ------------------------------------------------------------------------------------------ queues

    /**
     * Tasks, oldest ETA, leased and due counts of queue ?3 at time ?1 (= ?2), read in one snapshot, each from the
     * due index alone. (PostgreSQL's takes the same parameters.)
     */
    static final String QUEUE_COUNTS = "SELECT "
            + "(SELECT count(*) FROM task WHERE queue = ?3), "
            + "(SELECT min(eta_usec) FROM task WHERE queue = ?3), "
            + "(SELECT count(*) FROM task WHERE queue = ?3 AND eta_usec > ?1 AND retry_count > 0), "
            + "(SELECT count(*) FROM task WHERE queue = ?3 AND eta_usec <= ?2)";

    /**
     * SQLite for the shared statements. With a tag its planner, not knowing the values, may prefer the due index for
     * a range bounded on both sides (state and cursor) and filter the tag, reading every due task of other tags; so
     * a search with a tag names the tag index.
     */
    static final SqlDialect DIALECT =
            new SqlDialect("sqlite", "SQLite", "length", "tag", "task INDEXED BY task_tag_due", QUEUE_COUNTS, "");

    private SqliteSql() {}
}
