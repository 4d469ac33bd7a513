/**
 * The embedded task store: SQLite in WAL mode through a {@link javax.sql.DataSource} that the server provides
 * (in Liberty a pool over {@code org.sqlite.SQLiteDataSource}, not enlisted in global transactions).
 *
 * <p>{@link io.pullqueue.store.sqlite.SqliteTaskStore} is the entry point. {@code SqliteSchema} holds the
 * versioned schema and {@code SqliteSql} every other statement; {@code SqliteLease} is the lease transaction,
 * {@code TaskWrites} the batched adds and deletes, {@code ExhaustedTasks} the retry-limit sweep, and {@code Names}
 * the tombstone and live-name checks.
 *
 * <p>May import {@code io.pullqueue.core}, {@code io.pullqueue.store}, {@code java.*} and {@code javax.sql}.
 * No {@code org.sqlite} classes: the driver lives in the server, not in the WAR.
 */
package io.pullqueue.store.sqlite;
