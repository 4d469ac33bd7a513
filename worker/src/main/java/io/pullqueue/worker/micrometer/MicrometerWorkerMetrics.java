package io.pullqueue.worker.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pullqueue.worker.WorkerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records a worker's events in a Micrometer registry, tagged with the queue: counters
 * {@code pullqueue.worker.tasks} (tag {@code outcome}: done, failed, deleted, renewed, lease_lost, given_back), the
 * timer {@code pullqueue.worker.handler} (tag {@code outcome}: done, failed) and the gauge
 * {@code pullqueue.worker.concurrency}. Micrometer is an optional dependency of pullqueue-worker: an application that
 * uses this class brings its own.
 */
public final class MicrometerWorkerMetrics implements WorkerMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> limits = new ConcurrentHashMap<>();

    public MicrometerWorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void done(String queue, int tasks, Duration time) {
        count(queue, "done", tasks);
        timer(queue, "done").record(time);
    }

    @Override
    public void failed(String queue, int tasks, Duration time, Throwable error) {
        count(queue, "failed", tasks);
        timer(queue, "failed").record(time);
    }

    @Override
    public void renewed(String queue) {
        count(queue, "renewed", 1);
    }

    @Override
    public void leaseLost(String queue) {
        count(queue, "lease_lost", 1);
    }

    @Override
    public void givenBack(String queue, int tasks) {
        count(queue, "given_back", tasks);
    }

    @Override
    public void deleted(String queue, int tasks) {
        count(queue, "deleted", tasks);
    }

    @Override
    public void concurrency(String queue, int limit) {
        limits.computeIfAbsent(queue, q -> registry.gauge("pullqueue.worker.concurrency",
                io.micrometer.core.instrument.Tags.of("queue", q), new AtomicInteger())).set(limit);
    }

    private void count(String queue, String outcome, int n) {
        registry.counter("pullqueue.worker.tasks", "queue", queue, "outcome", outcome).increment(n);
    }

    private Timer timer(String queue, String outcome) {
        return registry.timer("pullqueue.worker.handler", "queue", queue, "outcome", outcome);
    }
}
