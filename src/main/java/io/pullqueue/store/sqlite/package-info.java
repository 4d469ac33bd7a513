/**
 * The embedded task store: SQLite in WAL mode through a {@link javax.sql.DataSource} that the server provides
 * (in Liberty a pool over {@code org.sqlite.SQLiteDataSource}, not enlisted in global transactions).
 *
 * <p>{@link io.pullqueue.store.sqlite.SqliteTaskStore} is the entry point; it extends the shared
 * {@code SqlTaskStore} with what is SQLite's own, in classes named like PostgreSQL's: {@code SqliteSchema} the
 * versioned schema, {@code SqliteSql} its own statements and its dialect, {@code SqliteLease} the lease
 * transaction, {@code SqliteDeletes} deletes by name and the tombstones they leave, {@code SqliteSweep} the
 * retry-limit sweep; {@code GroupCommit} is its write strategy (one writer, commits shared); the free-space floor
 * and the storage reserve are in the store itself.
 *
 * <p>May import {@code io.pullqueue.core}, {@code io.pullqueue.store}, {@code java.*} and {@code javax.sql}.
 * No {@code org.sqlite} classes: the driver lives in the server, not in the WAR.
 */
package io.pullqueue.store.sqlite;
