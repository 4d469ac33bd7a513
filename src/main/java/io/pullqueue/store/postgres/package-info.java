/**
 * The PostgreSQL task store, which several pullqueue instances can share: PostgreSQL does all the coordination.
 *
 * <p>{@link io.pullqueue.store.postgres.PostgresTaskStore} is the entry point. {@code PostgresSchema} holds the
 * versioned schema (migrated under an advisory lock), {@code PostgresSql} every other statement,
 * {@code PostgresLease} the one-statement lease ({@code FOR UPDATE SKIP LOCKED}), {@code PgNames} deletes by name
 * and the name checks, and {@code TaskNotifications} the {@code LISTEN} connection that wakes waiting leases when
 * another instance adds tasks.
 *
 * <p>May import {@code io.pullqueue.core}, {@code io.pullqueue.store}, {@code java.*}, {@code javax.sql}, and of
 * the driver only {@code org.postgresql.PGConnection} / {@code PGNotification} (for LISTEN): the driver lives in
 * the server and is shared with the application through a common library.
 */
package io.pullqueue.store.postgres;
