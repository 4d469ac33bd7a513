package io.pullqueue.service;

import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Metrics operators scale workers by, per queue, in Prometheus format at {@code /metrics?scope=application}:
 * backlog, due tasks, tasks in flight, oldest task age, tasks leased in the last minute, lease latency and leased
 * tasks. Gauges read a snapshot the maintenance timer refreshes, so a scrape never queries the database.
 */
@ApplicationScoped
public class QueueMetrics {

    @Inject
    MetricRegistry registry;
    @Inject
    QueueService service;

    private final Map<String, QueueStats> latest = new ConcurrentHashMap<>();
    private final Map<String, Long> store = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** Re-reads every pull queue's statistics and registers gauges for queues seen the first time. */
    public void refresh() {
        long now = service.nowUsec();
        for (QueueSpec spec : service.queues()) {
            if (spec.mode() != QueueMode.PULL) {
                continue;
            }
            latest.put(spec.name(), service.stats(spec.name()));
            if (registered.add(spec.name())) {
                register(spec.name());
            }
        }
        latest.keySet().removeIf(q -> service.queues().stream().noneMatch(s -> s.name().equals(q)));
        lastRefreshUsec = now;
        refreshStore();
    }

    /**
     * The store's own figures: for PostgreSQL, live and dead row versions per table (the table-bloat signal:
     * dead rows that autovacuum has not reclaimed yet) and the task notifications this server received.
     */
    private void refreshStore() {
        for (Map.Entry<String, Long> e : service.storeDiagnostics().entrySet()) {
            if (store.put(e.getKey(), e.getValue()) == null) {
                registerStore(e.getKey());
            }
        }
    }

    /** The last diagnostics read (empty for a store without any); see {@link #refreshStore()}. */
    public Map<String, Long> storeDiagnostics() {
        return Map.copyOf(store);
    }

    private void registerStore(String key) {
        int dot = key.lastIndexOf('.');
        String table = key.substring(0, dot);
        String what = key.substring(dot + 1);
        Metadata md;
        Tag[] tags;
        if ("notifications".equals(table)) {
            md = Metadata.builder().withName("pullqueue.store.notifications.received")
                    .withDescription("Task notifications (LISTEN/NOTIFY) this server received from the database")
                    .build();
            tags = new Tag[0];
        } else {
            md = Metadata.builder().withName("pullqueue.store.rows")
                    .withDescription("Row versions per store table: live, and dead ones not yet vacuumed (bloat)")
                    .build();
            tags = new Tag[] {new Tag("table", table), new Tag("state", what)};
        }
        registry.gauge(md, store, m -> m.getOrDefault(key, 0L).doubleValue(), tags);
    }

    private volatile long lastRefreshUsec;

    private void register(String queue) {
        Tag tag = new Tag("queue", queue);
        gauge("pullqueue.queue.tasks", "Tasks stored in the queue, leased ones included", MetricUnits.NONE, queue,
                s -> s.counts().tasks(), tag);
        gauge("pullqueue.queue.due", "Tasks that a lease call could take now", MetricUnits.NONE, queue,
                s -> s.counts().due(), tag);
        gauge("pullqueue.queue.in.flight", "Tasks held under a lease that has not run out", MetricUnits.NONE, queue,
                s -> s.counts().leased(), tag);
        gauge("pullqueue.queue.leased.last.minute", "Tasks leased in the last 60 s (all servers)", MetricUnits.NONE,
                queue, s -> s.leasedLastMinute(), tag);
        gauge("pullqueue.queue.oldest.task.age", "Age of the oldest due task (0 when none is due)",
                MetricUnits.SECONDS, queue, this::oldestDueAgeSeconds, tag);
    }

    private double oldestDueAgeSeconds(QueueStats s) {
        Long oldest = s.counts().oldestEtaUsec();
        if (oldest == null || s.counts().due() == 0) {
            return 0;
        }
        return Math.max(0, (lastRefreshUsec - oldest) / 1e6);
    }

    private void gauge(String name, String description, String unit, String queue,
                       ToDoubleFunction<QueueStats> f, Tag tag) {
        Metadata md = Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
        registry.gauge(md, latest, m -> {
            QueueStats s = m.get(queue);
            return s == null ? 0.0 : f.applyAsDouble(s);
        }, tag);
    }

    /** Records one lease call: its latency and how many tasks it returned. */
    public void recordLease(String queue, Duration latency, int tasks) {
        LeaseMetrics m = leaseMetrics.computeIfAbsent(queue, this::leaseMetrics);
        m.latency().update(latency);
        if (tasks > 0) {
            m.leased().inc(tasks);
        }
    }

    /** A queue's lease metrics, looked up in the registry once (a lookup per call costs more than the update). */
    private record LeaseMetrics(Timer latency, Counter leased) {
    }

    private final Map<String, LeaseMetrics> leaseMetrics = new ConcurrentHashMap<>();

    private LeaseMetrics leaseMetrics(String queue) {
        Tag tag = new Tag("queue", queue);
        return new LeaseMetrics(
                registry.timer(Metadata.builder().withName("pullqueue.lease.duration")
                        .withDescription("Latency of lease calls as the service sees them").build(), tag),
                registry.counter(Metadata.builder().withName("pullqueue.tasks.leased")
                        .withDescription("Tasks handed out by lease calls on this server").build(), tag));
    }
}
