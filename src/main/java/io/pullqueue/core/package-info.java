/**
 * The domain of pullqueue in plain Java: tasks, queue specs, names and their validation, App Engine's limits and
 * error codes, the retry-limit and lease rules ({@link io.pullqueue.core.PullQueueEngine}) and the
 * {@link io.pullqueue.core.TaskStore} port.
 *
 * <p>Allowed imports: {@code java.*} only. No Jakarta, JDBC, YAML or MicroProfile here.
 */
package io.pullqueue.core;
