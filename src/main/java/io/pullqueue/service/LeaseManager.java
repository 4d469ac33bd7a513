package io.pullqueue.service;

import io.pullqueue.core.AddResult;
import io.pullqueue.core.EngineSettings;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.MaintenanceReport;
import io.pullqueue.core.PullQueueEngine;
import io.pullqueue.core.QueueRegistry;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskAvailabilityListener;
import io.pullqueue.core.TaskDraft;
import io.pullqueue.core.TaskPage;
import io.pullqueue.core.TaskStore;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Holds the queues: one engine over the configured store, shared by every door.
 *
 * <p>Locking: every method is {@code @Lock(READ)}, so reads, adds, deletes and leases of different queues run
 * concurrently; nothing here serializes them. Lease selection is serialized by the store: the SQLite store runs
 * each lease's select-and-update alone inside its single writer and groups the commits of calls that queued up
 * meanwhile (one fsync for many calls); the PostgreSQL store skips rows other transactions hold. Transactions are bean-managed: the store controls commit,
 * so a response is sent only after its change is durable.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@TransactionManagement(TransactionManagementType.BEAN)
public class LeaseManager {
    private static final Logger LOG = Logger.getLogger(LeaseManager.class.getName());

    @Inject
    TaskStore store;
    @Inject
    QueueRegistry registry;
    @Inject
    Clock clock;
    @Inject
    @ConfigProperty(name = "pullqueue.tombstone.ttl.hours", defaultValue = "216")
    long tombstoneTtlHours;

    private PullQueueEngine engine;

    @PostConstruct
    void start() {
        store.initialize();
        engine = new PullQueueEngine(store, registry, clock,
                new EngineSettings(Duration.ofHours(tombstoneTtlHours)));
        store.watchOtherInstances(engine::tasksAvailableElsewhere);
        LOG.info(() -> "pullqueue lease manager ready: " + registry.all().size() + " queues declared, "
                + "deleted task names reserved for " + tombstoneTtlHours + " h");
    }

    @Lock(LockType.READ)
    public void addListener(TaskAvailabilityListener l) {
        engine.addListener(l);
    }

    @Lock(LockType.READ)
    public List<AddResult> add(String queue, List<TaskDraft> tasks) {
        return engine.add(queue, tasks);
    }

    @Lock(LockType.READ)
    public List<AddResult> bulkAdd(String queue, List<TaskDraft> tasks, List<QueueException> refusals,
                                   boolean pullTasks) {
        return engine.bulkAdd(queue, tasks, refusals, pullTasks);
    }

    @Lock(LockType.READ)
    public List<Task> lease(String queue, long maxTasks, double leaseSeconds, TagFilter filter) {
        return engine.lease(queue, maxTasks, leaseSeconds, filter);
    }

    @Lock(LockType.READ)
    public long modifyLease(String queue, String name, long token, double leaseSeconds) {
        return engine.modifyLease(queue, name, token, leaseSeconds);
    }

    @Lock(LockType.READ)
    public List<ErrorCode> delete(String queue, List<String> names) {
        return engine.delete(queue, names);
    }

    @Lock(LockType.READ)
    public Task get(String queue, String name) {
        return engine.get(queue, name);
    }

    @Lock(LockType.READ)
    public TaskPage list(String queue, String afterName, int pageSize, boolean withPayloads) {
        return engine.list(queue, afterName, pageSize, withPayloads);
    }

    @Lock(LockType.READ)
    public long purge(String queue) {
        return engine.purge(queue);
    }

    @Lock(LockType.READ)
    public void setPaused(String queue, boolean paused) {
        engine.setPaused(queue, paused);
    }

    @Lock(LockType.READ)
    public QueueStats stats(String queue) {
        return engine.stats(queue);
    }

    @Lock(LockType.READ)
    public QueueSpec queue(String name) {
        return engine.requireQueue(name);
    }

    @Lock(LockType.READ)
    public Collection<QueueSpec> queues() {
        return engine.queues();
    }

    @Lock(LockType.READ)
    public OptionalLong nextEta(String queue) {
        return engine.nextEta(queue);
    }

    @Lock(LockType.READ)
    public long nowUsec() {
        return engine.nowUsec();
    }

    @Lock(LockType.READ)
    public boolean storeReachable() {
        return store.isReachable();
    }

    /** Which store serves the queues ({@code sqlite} or {@code postgres}). */
    @Lock(LockType.READ)
    public String storeKind() {
        return store.kind();
    }

    /** The store's health figures (live and dead rows per table, ...); read by the maintenance timer only. */
    @Lock(LockType.READ)
    public Map<String, Long> storeDiagnostics() {
        return store.diagnostics();
    }

    /** Bookkeeping for the maintenance timer; reads and writes in bounded batches. */
    @Lock(LockType.READ)
    public MaintenanceReport maintain(int batch) {
        return engine.maintain(batch);
    }
}
