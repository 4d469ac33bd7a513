/**
 * Implementations of the {@link io.pullqueue.core.TaskStore} port, and what they share.
 *
 * <p>{@link io.pullqueue.store.SqlTaskStore} is the skeleton of both SQL stores: reads of tasks, pages, counts and
 * the paused flag, tombstone checks, the ping, the add, the console's operator calls and the queue samples, run
 * with the statements that are the same on every database ({@link io.pullqueue.store.TaskStatements},
 * {@link io.pullqueue.store.OperatorStatements}, {@link io.pullqueue.store.QueueSamples}) and what differs in
 * the store's {@link io.pullqueue.store.SqlDialect}. Writes go through the store's
 * {@link io.pullqueue.store.Writer}. Also shared: the row mapping {@link io.pullqueue.store.TaskRows}, the
 * versioned {@link io.pullqueue.store.SchemaMigrations}, the JDBC transaction helper
 * {@link io.pullqueue.store.Jdbc} and the unchecked {@link io.pullqueue.store.StoreException}.
 *
 * <p>May import {@code io.pullqueue.core}, {@code java.*} and {@code javax.sql}; nothing above the core
 * (no service, config or door), and no driver classes: drivers are provided by the server.
 */
package io.pullqueue.store;
