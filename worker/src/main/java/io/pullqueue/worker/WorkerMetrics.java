package io.pullqueue.worker;

import java.time.Duration;

/**
 * What a {@link Worker} reports, for a metrics library to count. Every method has an empty default; they are called
 * on the worker's threads and must return quickly. {@code io.pullqueue.worker.micrometer.MicrometerWorkerMetrics}
 * records them in a Micrometer registry.
 */
public interface WorkerMetrics {

    WorkerMetrics NONE = new WorkerMetrics() { };

    /** A handler finished {@code tasks} tasks (1, or a tag batch's size) in {@code time}. */
    default void done(String queue, int tasks, Duration time) {
    }

    /** A handler threw after {@code time}; its {@code tasks} tasks are given back after a backoff. */
    default void failed(String queue, int tasks, Duration time, Throwable error) {
    }

    /** A held task's lease was extended while its handler was busy. */
    default void renewed(String queue) {
    }

    /** A held task's lease ran out or was taken over before it could be renewed: another worker may have it now. */
    default void leaseLost(String queue) {
    }

    /** Tasks given back at once: at shutdown, or leased after the worker began to stop. */
    default void givenBack(String queue, int tasks) {
    }

    /** Tasks deleted after their handler succeeded. */
    default void deleted(String queue, int tasks) {
    }

    /** The concurrency limit changed (adaptive concurrency). */
    default void concurrency(String queue, int limit) {
    }
}
