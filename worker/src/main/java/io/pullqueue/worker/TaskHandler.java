package io.pullqueue.worker;

/**
 * Does one task's work. Return normally and the worker deletes the task; throw and the worker gives it back to be
 * leased again after a backoff. The same task can be handled more than once (a lease that ran out, a worker that
 * died before its delete): make the work idempotent.
 */
@FunctionalInterface
public interface TaskHandler {
    void handle(LeasedTask task) throws Exception;
}
