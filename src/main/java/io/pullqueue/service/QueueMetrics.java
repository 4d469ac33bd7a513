package io.pullqueue.service;

import io.pullqueue.core.CostSpacing;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import io.pullqueue.core.StoreDiagnostics;
import io.pullqueue.core.TaskStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Metrics operators scale workers by, per queue, in Prometheus format at {@code /metrics?scope=application}:
 * backlog, due tasks, tasks in flight, oldest task age, tasks leased in the last minute, lease latency and leased
 * tasks. Gauges read a snapshot the maintenance timer refreshes, so a scrape never queries the database. A queue
 * whose task counts take long to read (a scan of its tasks) is counted less often than every refresh
 * ({@link CostSpacing}); its lease figures and paused flag are still read every time.
 */
@ApplicationScoped
public class QueueMetrics {

    @Inject
    MetricRegistry registry;

    @Inject
    QueueService service;

    @Inject
    TaskStore taskStore;

    /** A queue's statistics as last refreshed, and when its task counts were read. */
    private record Read(QueueStats stats, long countedUsec) {}

    private final Map<String, Read> latest = new ConcurrentHashMap<>();
    private CostSpacing counting;

    @Inject
    @ConfigProperty(name = "pullqueue.maintenance.seconds")
    int maintenanceSeconds;

    @Inject
    @ConfigProperty(name = "pullqueue.history.sample.seconds")
    int sampleSeconds;

    @PostConstruct
    void init() {
        // the maintenance timer refreshes on every maintenance pass and before every history sample
        counting = new CostSpacing(
                "counting the tasks",
                Duration.ofSeconds(Math.max(1, Math.min(maintenanceSeconds, sampleSeconds)))
                        .toNanos());
    }

    private volatile StoreDiagnostics store = StoreDiagnostics.NONE;
    private final Set<String> tablesRegistered = ConcurrentHashMap.newKeySet();
    private volatile boolean notificationsRegistered;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** Re-reads every pull queue's statistics and registers gauges for queues seen the first time. */
    @SuppressWarnings("try") // the resource is a scope: closing it is all it does
    public void refresh() {
        try (Caller.Scope s = Caller.bind(Caller.SERVER)) {
            refreshQueues();
        }
        refreshStore();
    }

    private void refreshQueues() {
        for (QueueSpec spec : service.queues()) {
            if (spec.mode() != QueueMode.PULL) {
                continue;
            }
            String queue = spec.name();
            Read before = latest.get(queue);
            long start = System.nanoTime();
            if (before != null && !counting.due(queue, start)) {
                // the counts as last read, with the paused flag and lease figures of now
                latest.put(queue, new Read(service.stats(queue, before.stats().counts()), before.countedUsec()));
                continue;
            }
            long countedUsec = service.nowUsec(); // as the counts' own "now"
            latest.put(queue, new Read(service.stats(queue), countedUsec));
            counting.ran(queue, start, System.nanoTime());
            if (registered.add(queue)) {
                register(queue);
            }
        }
        latest.keySet()
                .removeIf(q -> service.queues().stream().noneMatch(s -> s.name().equals(q)));
        counting.retain(latest::containsKey);
    }

    /**
     * The store's own figures: for PostgreSQL, live and dead row versions per table (the table-bloat signal:
     * dead rows that autovacuum has not reclaimed yet) and the task notifications this server received.
     */
    private void refreshStore() {
        StoreDiagnostics d = taskStore.diagnostics();
        store = d;
        for (String table : d.tables().keySet()) {
            if (tablesRegistered.add(table)) {
                registerTable(table);
            }
        }
        if (d.notificationsReceived().isPresent() && !notificationsRegistered) {
            notificationsRegistered = true;
            registry.gauge(
                    Metadata.builder()
                            .withName("pullqueue.store.notifications.received")
                            .withDescription(
                                    "Task notifications (LISTEN/NOTIFY) this server received from the database")
                            .build(),
                    this,
                    m -> m.store.notificationsReceived().orElse(0));
        }
    }

    /** Each pull queue's counts as the last refresh read them. */
    public Map<String, QueueCounts> latestCounts() {
        Map<String, QueueCounts> out = new HashMap<>();
        latest.forEach((q, r) -> out.put(q, r.stats().counts()));
        return out;
    }

    /** The last diagnostics read ({@link StoreDiagnostics#NONE} for a store without any). */
    public StoreDiagnostics storeDiagnostics() {
        return store;
    }

    private void registerTable(String table) {
        Metadata md = Metadata.builder()
                .withName("pullqueue.store.rows")
                .withDescription("Row versions per store table: live, and dead ones not yet vacuumed (bloat)")
                .build();
        registry.gauge(md, this, m -> m.tableRows(table).live(), new Tag("table", table), new Tag("state", "live"));
        registry.gauge(md, this, m -> m.tableRows(table).dead(), new Tag("table", table), new Tag("state", "dead"));
    }

    private StoreDiagnostics.TableRows tableRows(String table) {
        return store.tables().getOrDefault(table, new StoreDiagnostics.TableRows(0, 0));
    }

    private void register(String queue) {
        Tag tag = new Tag("queue", queue);
        gauge(
                "pullqueue.queue.tasks",
                "Tasks stored in the queue, leased ones included",
                MetricUnits.NONE,
                queue,
                r -> r.stats().counts().tasks(),
                tag);
        gauge(
                "pullqueue.queue.due",
                "Tasks that a lease call could take now",
                MetricUnits.NONE,
                queue,
                r -> r.stats().counts().due(),
                tag);
        gauge(
                "pullqueue.queue.in.flight",
                "Tasks held under a lease that has not run out",
                MetricUnits.NONE,
                queue,
                r -> r.stats().counts().leased(),
                tag);
        gauge(
                "pullqueue.queue.leased.last.minute",
                "Tasks leased in the last 60 s (all servers)",
                MetricUnits.NONE,
                queue,
                r -> r.stats().leasedLastMinute(),
                tag);
        gauge(
                "pullqueue.queue.oldest.task.age",
                "Age of the oldest due task (0 when none is due)",
                MetricUnits.SECONDS,
                queue,
                this::oldestDueAgeSeconds,
                tag);
    }

    private double oldestDueAgeSeconds(Read r) {
        return new Backlog(r.stats(), r.countedUsec()).oldestDueAgeSeconds();
    }

    /**
     * A pull queue's backlog as of the last refresh (every server on a shared PostgreSQL database counts the same
     * rows, so they agree up to one refresh interval), or {@code null} before its first refresh.
     */
    public Backlog backlog(String queue) {
        Read r = latest.get(queue);
        return r == null ? null : new Backlog(r.stats(), r.countedUsec());
    }

    /** The figures autoscalers read: {@code stats} as counted at {@code readUsec}. */
    public record Backlog(QueueStats stats, long readUsec) {

        /** How long the oldest due task has been due; 0 when none is. */
        public double oldestDueAgeSeconds() {
            Long oldest = stats.counts().oldestEtaUsec();
            if (oldest == null || stats.counts().due() == 0) {
                return 0;
            }
            return Math.max(0, (readUsec - oldest) / 1e6);
        }
    }

    private void gauge(String name, String description, String unit, String queue, ToDoubleFunction<Read> f, Tag tag) {
        Metadata md = Metadata.builder()
                .withName(name)
                .withDescription(description)
                .withUnit(unit)
                .build();
        registry.gauge(
                md,
                latest,
                m -> {
                    Read r = m.get(queue);
                    return r == null ? 0.0 : f.applyAsDouble(r);
                },
                tag);
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
    private record LeaseMetrics(Timer latency, Counter leased) {}

    private final Map<String, LeaseMetrics> leaseMetrics = new ConcurrentHashMap<>();

    private LeaseMetrics leaseMetrics(String queue) {
        Tag tag = new Tag("queue", queue);
        return new LeaseMetrics(
                registry.timer(
                        Metadata.builder()
                                .withName("pullqueue.lease.duration")
                                .withDescription("Latency of lease calls as the service sees them")
                                .build(),
                        tag),
                registry.counter(
                        Metadata.builder()
                                .withName("pullqueue.tasks.leased")
                                .withDescription("Tasks handed out by lease calls on this server")
                                .build(),
                        tag));
    }
}
