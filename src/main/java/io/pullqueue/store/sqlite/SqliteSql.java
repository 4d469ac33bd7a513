package io.pullqueue.store.sqlite;

/**
 * Every data statement of the SQLite store. Times are µs since the epoch, always bound as parameters.
 * Numbered parameters ({@code ?1}) are used where a value appears twice.
 */
final class SqliteSql {

    static final String PING = "SELECT 1";
    /** The path of the main database file. */
    static final String DATABASE_FILE = "SELECT file FROM pragma_database_list WHERE name = 'main'";
    /** Bytes of the database's free pages, which new rows reuse before the file grows. */
    static final String FREE_BYTES =
            "SELECT f.freelist_count * s.page_size FROM pragma_freelist_count f, " + "pragma_page_size s";

    static final String PAGE_SIZE = "PRAGMA page_size";
    /** Copies the write-ahead log into the database and truncates it to nothing, giving its space back. */
    static final String TRUNCATE_LOG = "PRAGMA wal_checkpoint(TRUNCATE)";

    private static final String LIST_PAGE = ", tag, eta_usec, retry_count, created_usec, retry_limit "
            + "FROM task WHERE queue = ? AND name > ? ORDER BY name LIMIT ?";

    // ------------------------------------------------------------------------------------------ tasks

    /** Inserts a task unless its name is live (upsert no-op) or held by a tombstone that has not expired. */
    static final String INSERT_TASK = "INSERT INTO task "
            + "(queue, name, eta_usec, tag, retry_count, retry_limit, created_usec, payload) "
            + "SELECT ?1, ?2, ?3, ?4, 0, ?5, ?6, ?7 WHERE NOT EXISTS "
            + "(SELECT 1 FROM tombstone WHERE queue = ?1 AND name = ?2 AND expires_usec > ?6) "
            + "ON CONFLICT (queue, name) DO NOTHING";

    static final String TASK_EXISTS = "SELECT 1 FROM task WHERE queue = ? AND name = ?";
    static final String SELECT_TASK = "SELECT name, payload, tag, eta_usec, retry_count, created_usec, retry_limit "
            + "FROM task WHERE queue = ? AND name = ?";
    /** A page of the listing, in name order; the payload is left out, only its length is read. */
    static final String LIST_TASKS = "SELECT name, length(payload)" + LIST_PAGE;
    /** {@link #LIST_TASKS} with the payloads. */
    static final String LIST_TASKS_WITH_PAYLOADS = "SELECT name, payload" + LIST_PAGE;

    static final String DELETE_TASK = "DELETE FROM task WHERE queue = ? AND name = ?";
    /** Moves a lease: the token check (stored ETA = token, still in the future) is part of the WHERE. */
    static final String MODIFY_LEASE =
            "UPDATE task SET eta_usec = ? " + "WHERE queue = ? AND name = ? AND eta_usec = ? AND eta_usec > ?";

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

    /** Due tasks past their retry limit (their own, else the queue's ?3; none when both are null). */
    static final String EXHAUSTED_TASKS = "SELECT name FROM task WHERE queue = ?1 AND eta_usec <= ?2 "
            + "AND coalesce(retry_limit, ?3) <= retry_count ORDER BY eta_usec, seq LIMIT ?4";
    /** Deletes one task found by {@link #EXHAUSTED_TASKS} if it still qualifies. */
    static final String DELETE_EXHAUSTED_TASK = "DELETE FROM task WHERE queue = ?1 AND name = ?2 "
            + "AND eta_usec <= ?3 AND coalesce(retry_limit, ?4) <= retry_count";

    // ------------------------------------------------------------------------------------- tombstones

    /** Reserves a name until the given time (a later delete of the same name replaces the expiry). */
    static final String PUT_TOMBSTONE = "INSERT INTO tombstone (queue, name, expires_usec) VALUES (?, ?, ?) "
            + "ON CONFLICT (queue, name) DO UPDATE SET expires_usec = excluded.expires_usec";

    static final String TOMBSTONE_LIVE = "SELECT 1 FROM tombstone WHERE queue = ? AND name = ? AND expires_usec > ?";
    static final String DELETE_EXPIRED_TOMBSTONES = "DELETE FROM tombstone WHERE (queue, name) IN "
            + "(SELECT queue, name FROM tombstone WHERE expires_usec <= ? LIMIT ?)";

    // ------------------------------------------------------------------------------------------ queues

    /** Tombstones every task name of queue ?1 until ?2 (run before {@link #PURGE_TASKS}). */
    static final String PURGE_TOMBSTONES = "INSERT INTO tombstone (queue, name, expires_usec) "
            + "SELECT queue, name, ?2 FROM task WHERE queue = ?1 "
            + "ON CONFLICT (queue, name) DO UPDATE SET expires_usec = excluded.expires_usec";

    static final String PURGE_TASKS = "DELETE FROM task WHERE queue = ?";
    /** Tasks, oldest ETA, leased and due counts of queue ?1 at time ?2, read in one snapshot. */
    static final String QUEUE_COUNTS = "SELECT "
            + "(SELECT count(*) FROM task WHERE queue = ?1), "
            + "(SELECT min(eta_usec) FROM task WHERE queue = ?1), "
            + "(SELECT count(*) FROM task WHERE queue = ?1 AND eta_usec > ?2 AND retry_count > 0), "
            + "(SELECT count(*) FROM task WHERE queue = ?1 AND eta_usec <= ?2)";

    static final String QUEUE_NEXT_ETA = "SELECT min(eta_usec) FROM task WHERE queue = ?";
    static final String QUEUE_PAUSED = "SELECT paused FROM queue_state WHERE queue = ?";
    static final String SET_QUEUE_PAUSED = "INSERT INTO queue_state (queue, paused) VALUES (?, ?) "
            + "ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused";

    private SqliteSql() {}
}
