package io.pullqueue.core;

/** Told when tasks may have become leasable in a queue (added, or a lease given back). */
@FunctionalInterface
public interface TaskAvailabilityListener {
    void tasksAvailable(String queue);
}
