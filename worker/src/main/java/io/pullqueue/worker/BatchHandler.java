package io.pullqueue.worker;

import java.util.List;

/**
 * Does the work of a batch of tasks that share one tag (leased with {@code groupByTag}): all of them succeed (the
 * worker deletes them) or the call throws (the worker gives them all back).
 */
@FunctionalInterface
public interface BatchHandler {
    void handle(List<LeasedTask> tasks) throws Exception;
}
