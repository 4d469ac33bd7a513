package io.pullqueue.store.postgres;

import io.pullqueue.store.SqlDialect;

/**
 * The data statements of the PostgreSQL store that are its own (those it shares with SQLite are in
 * {@code TaskStatements}). Times are µs since the epoch, always bound as parameters. Rows
 * that several instances may go for at once are taken with {@code FOR UPDATE SKIP LOCKED}: a statement never
 * waits for another instance's lease, and never takes a row another transaction holds.
 */
final class PostgresSql {

    /** Channel of the task-availability notifications; the payload is the queue name. */
    static final String CHANNEL = "pullqueue_tasks";

    static final String LISTEN = "LISTEN " + CHANNEL;

    // ------------------------------------------------------------------------------------------ tasks

    /**
     * The common table expression that tombstones the names a preceding {@code deleted} expression returned
     * (parameters: queue, expiry), replacing the expiry of an existing tombstone.
     */
    private static final String TOMBSTONE_DELETED = "tombstoned AS (INSERT INTO tombstone (queue, name, "
            + "expires_usec) SELECT ?, name, ? FROM deleted "
            + "ON CONFLICT (queue, name) DO UPDATE SET expires_usec = excluded.expires_usec) ";

    /**
     * Deletes the named tasks (parameters: queue, names[], queue, tombstone expiry) and tombstones what it deleted,
     * in one statement; returns the deleted names.
     */
    static final String DELETE_TASKS = "WITH deleted AS ("
            + "DELETE FROM task WHERE queue = ? AND name = ANY (?) RETURNING name), "
            + TOMBSTONE_DELETED
            + "SELECT name FROM deleted";

    // ------------------------------------------------------------------------------------------ lease

    /**
     * The lease, one statement: picks the first N due tasks in (eta, creation) order that match the filter,
     * skipping rows other transactions hold; moves the ETA and counts the lease of those the retry limit allows;
     * deletes and tombstones the others. Rows come back leased first, in pick order, then removed (name only). A
     * paused queue leases nothing and answers one row whose first column is NULL: the flag is read in the same
     * statement, so a lease costs one round trip besides its commit.
     * Parameters: queue (paused flag), queue, now, [filter values], limit, then {@link #LEASE_TAIL}'s.
     */
    private static final String LEASE_HEAD = "WITH paused AS ("
            + "SELECT EXISTS (SELECT 1 FROM queue_state WHERE queue = ? AND paused) AS p), picked AS ("
            + "SELECT ctid AS tid, name, eta_usec AS old_eta, seq, retry_count, retry_limit FROM task "
            + "WHERE NOT (SELECT p FROM paused) AND queue = ? AND eta_usec <= ? ";
    /**
     * Parameters: new ETA, queue limit ×2, queue limit, queue, tombstone expiry. The picked rows are updated or
     * deleted by their row address ({@code ctid}, stable while this transaction holds their lock), never looked up
     * again by name: a lookup by name is planned from the table's statistics, and statistics taken while the queue
     * was empty make the planner scan the whole queue once per picked task (see {@link TablePlanStats}).
     */
    private static final String LEASE_TAIL = "ORDER BY eta_usec, seq LIMIT ? FOR UPDATE SKIP LOCKED), "
            + "leased AS (UPDATE task t SET eta_usec = ?, retry_count = t.retry_count + 1 FROM picked p "
            + "WHERE t.ctid = p.tid "
            + "AND (coalesce(p.retry_limit, ?::integer) IS NULL OR coalesce(p.retry_limit, ?::integer) > p.retry_count) "
            + "RETURNING p.old_eta, p.seq, t.name, t.payload, t.tag, t.retry_count, t.retry_limit, t.created_usec), "
            + "removed AS (DELETE FROM task t USING picked p WHERE t.ctid = p.tid "
            + "AND coalesce(p.retry_limit, ?::integer) <= p.retry_count RETURNING p.old_eta, p.seq, t.name), "
            + "tombstoned AS (INSERT INTO tombstone (queue, name, expires_usec) SELECT ?, name, ? FROM removed "
            + "ON CONFLICT (queue, name) DO UPDATE SET expires_usec = excluded.expires_usec) "
            + "SELECT true, old_eta, seq, name, payload, tag, retry_count, retry_limit, created_usec FROM leased "
            + "UNION ALL SELECT false, old_eta, seq, name, NULL, NULL, 0, NULL, 0 FROM removed "
            + "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0 FROM paused WHERE p "
            + "ORDER BY 1 DESC, 2, 3";
    /** Any due task. */
    static final String LEASE_ANY = LEASE_HEAD + LEASE_TAIL;
    /**
     * Any due task from an ETA on (bound after now): the scan starts at this server's {@link DueFloors floor}, past
     * the dead index entries that taken and deleted tasks leave at the front of the queue until VACUUM.
     */
    static final String LEASE_ANY_FROM = LEASE_HEAD + "AND eta_usec >= ? " + LEASE_TAIL;
    /** Any due task before an ETA (bound after now): the rest of a lease that came back short from the floor. */
    static final String LEASE_ANY_BELOW = LEASE_HEAD + "AND eta_usec < ? " + LEASE_TAIL;
    /** Due tasks with the tag bound after now ('' for untagged tasks). */
    static final String LEASE_TAG = LEASE_HEAD + "AND coalesce(tag, '') = ? " + LEASE_TAIL;
    /** Due tasks sharing the tag of the oldest due task (queue and now bound again after now). */
    static final String LEASE_OLDEST_TAG = LEASE_HEAD + "AND coalesce(tag, '') = (SELECT coalesce(tag, '') "
            + "FROM task WHERE queue = ? AND eta_usec <= ? ORDER BY eta_usec, seq LIMIT 1) " + LEASE_TAIL;

    // ------------------------------------------------------------------------------- retry-limit sweep

    /**
     * Deletes and tombstones up to N due tasks past their retry limit (their own, else the queue's; none when
     * both are null), skipping rows being leased; by row address, as the lease does. Parameters: queue, now,
     * queue limit, batch, queue, tombstone expiry. Returns the count.
     */
    static final String REMOVE_EXHAUSTED = "WITH doomed AS ("
            + "SELECT ctid AS tid FROM task WHERE queue = ? AND eta_usec <= ? "
            + "AND coalesce(retry_limit, ?::integer) <= retry_count "
            + "ORDER BY eta_usec, seq LIMIT ? FOR UPDATE SKIP LOCKED), "
            + "deleted AS (DELETE FROM task t USING doomed d WHERE t.ctid = d.tid RETURNING t.name), "
            + TOMBSTONE_DELETED
            + "SELECT count(*) FROM deleted";

    // ------------------------------------------------------------------------------------- tombstones

    /** Takes out tasks an add inserted over a concurrent delete's tombstone (parameters: queue, names array). */
    static final String DELETE_INSERTED = "DELETE FROM task WHERE queue = ? AND name = ANY (?)";

    /**
     * The tombstones of the names (parameter 2, an array), with their expiry, for the caller to keep the live ones.
     * Not {@code AND expires_usec > ?}: planned without its value, that made the expiry index look selective, and a
     * check of 100 names read every live tombstone of the queue through it.
     */
    static final String TOMBSTONES_OF = "SELECT name, expires_usec FROM tombstone WHERE queue = ? AND name = ANY (?)";

    // ------------------------------------------------------------------------------------------ queues

    /** Tasks, oldest ETA, leased and due counts of a queue (parameters: now, now, queue), in one snapshot. */
    static final String QUEUE_COUNTS = "SELECT count(*), min(eta_usec), "
            + "count(*) FILTER (WHERE eta_usec > ? AND retry_count > 0), count(*) FILTER (WHERE eta_usec <= ?) "
            + "FROM task WHERE queue = ?";

    // ----------------------------------------------------------------------------------- lease figures

    /**
     * Makes the statement's own (auto-commit) transaction commit without waiting for the WAL flush: used for the
     * lease figures only, which a crash may set back by a moment without harm.
     */
    private static final String ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS async";
    /** Counts a lease call (parameters: queue, second); returns its number in that second. */
    static final String COUNT_LEASE_CALL = "INSERT INTO lease_second (queue, second, calls, tasks) "
            + "SELECT ?, ?, 1, 0 FROM " + ASYNC_COMMIT + " "
            + "ON CONFLICT (queue, second) DO UPDATE SET calls = lease_second.calls + 1 RETURNING calls";
    /** Adds leased tasks (parameters: queue, second, tasks). */
    static final String COUNT_LEASED_TASKS = "INSERT INTO lease_second (queue, second, calls, tasks) "
            + "SELECT ?, ?, 0, ? FROM " + ASYNC_COMMIT + " "
            + "ON CONFLICT (queue, second) DO UPDATE SET tasks = lease_second.tasks + excluded.tasks";
    /** Tasks leased after second parameter 1 and after parameter 3 (queue: parameter 2). */
    static final String LEASED_TASKS = "SELECT coalesce(sum(tasks) FILTER (WHERE second > ?), 0), "
            + "coalesce(sum(tasks), 0) FROM lease_second WHERE queue = ? AND second > ?";
    /** Deletes up to N rows of seconds up to parameter 1. */
    static final String FORGET_LEASE_SECONDS = "DELETE FROM lease_second WHERE (queue, second) IN "
            + "(SELECT queue, second FROM lease_second WHERE second <= ? LIMIT ? FOR UPDATE SKIP LOCKED)";

    // ------------------------------------------------------------------------------------- diagnostics

    /** Live and dead row versions of the store's tables, as the statistics collector last counted them. */
    static final String TABLE_ROWS = "SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables "
            + "WHERE schemaname = current_schema() AND relname IN ('task', 'tombstone')";

    /** PostgreSQL for the shared statements: its tag index is on {@code coalesce(tag, '')}. */
    static final SqlDialect DIALECT = new SqlDialect(
            "postgres",
            "PostgreSQL",
            "octet_length",
            "coalesce(tag, '')",
            "task",
            QUEUE_COUNTS,
            " FOR UPDATE SKIP LOCKED");

    private PostgresSql() {}
}
