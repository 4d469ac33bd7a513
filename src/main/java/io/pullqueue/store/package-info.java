/**
 * Implementations of the {@link io.pullqueue.core.TaskStore} port, and what they share: the unchecked
 * {@link io.pullqueue.store.StoreException} and the JDBC transaction helper {@link io.pullqueue.store.Jdbc}.
 *
 * <p>May import {@code io.pullqueue.core}, {@code java.*} and {@code javax.sql}; nothing above the core
 * (no service, config or door), and no driver classes: drivers are provided by the server.
 */
package io.pullqueue.store;
