/**
 * The PostgreSQL task store, which several pullqueue instances can share: PostgreSQL does all the coordination.
 *
 * <p>{@link io.pullqueue.store.postgres.PostgresTaskStore} is the entry point; it extends the shared
 * {@code SqlTaskStore} with what is PostgreSQL's own, in classes named like SQLite's: {@code PostgresSchema} the
 * versioned schema (migrated under an advisory lock), {@code PostgresSql} its own statements and its dialect,
 * {@code PostgresLease} the one-statement lease ({@code FOR UPDATE SKIP LOCKED}), {@code PostgresDeletes}
 * deletes by name and the tombstones they leave, {@code PostgresSweep} the retry-limit sweep;
 * {@code RetryingWriter} is its write strategy (short transactions, retried after a deadlock). Besides:
 * {@code TaskNotifications} sends {@code NOTIFY} and holds the {@code LISTEN} connection that wakes waiting leases
 * when another instance adds tasks, {@code PostgresLeaseFigures} the lease throttle and figures shared through the
 * database, {@code TableBloat} the dead-row statistics and vacuum, {@code TablePlanStats} the planner's row counts
 * (analyzed again when counted while the queue was nearly empty).
 *
 * <p>May import {@code io.pullqueue.core}, {@code io.pullqueue.store}, {@code java.*}, {@code javax.sql}, and of
 * the driver only {@code org.postgresql.PGConnection} / {@code PGNotification} (for LISTEN): the driver lives in
 * the server and is shared with the application through a common library.
 */
package io.pullqueue.store.postgres;
