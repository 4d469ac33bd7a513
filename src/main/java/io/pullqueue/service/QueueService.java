package io.pullqueue.service;

import io.pullqueue.config.QueueConfig;
import io.pullqueue.core.AddResult;
import io.pullqueue.core.ConfigStatus;
import io.pullqueue.core.EngineSettings;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Identity;
import io.pullqueue.core.MaintenanceReport;
import io.pullqueue.core.Operation;
import io.pullqueue.core.PullQueueEngine;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.QueueHistory;
import io.pullqueue.core.QueueOperations;
import io.pullqueue.core.QueueRegistry;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskAvailabilityListener;
import io.pullqueue.core.TaskDraft;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskPage;
import io.pullqueue.core.TaskQuery;
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
 * The owner of the engine: the one bean every door, the long-poll leaser, the maintenance timer, health checks and
 * metrics call. It builds the {@link PullQueueEngine} over the configured store at startup and hands each call to
 * it; the queue's rules live in the engine, not here. Why each annotation is here:
 * <ul>
 * <li>{@code @Singleton @Startup}: one engine per server, built (and the store's schema checked) before the first
 * request, so a broken database fails the deployment instead of the first call.</li>
 * <li>{@code @Lock(READ)} on the class: reads, adds, deletes and leases of every queue run concurrently. Lease
 * selection is serialized by the store, not here: SQLite runs each lease alone inside its single writer and groups
 * the commits of calls that queued up meanwhile (one fsync for many calls); PostgreSQL skips rows other
 * transactions hold. The lease-request throttle keeps its own per-queue lock (a bean-wide lock would serialize
 * every lease of every queue).</li>
 * <li>{@code @Lock(WRITE)} on {@link #swapQueues}: a new version of queue.yaml (read and checked outside the lock)
 * is swapped in only when no call is running, so a call sees one version of the queues from start to end.</li>
 * <li>{@code @TransactionManagement(BEAN)}: the store controls commit, so a response is sent only after its change
 * is durable.</li>
 * <li>{@link #lease} and {@link #modifyLease} run inside {@link LeaseGuard}, whose Fault Tolerance
 * {@code @Timeout} and {@code @Bulkhead} give App Engine's 10 s lease deadline and bound concurrent lease calls
 * (on a CDI bean of its own: on this EJB, Liberty leaked an interceptor per call; see {@link LeaseGuard}). A call
 * that ends after the deadline is answered with what it did, not with a timeout ({@link FinishedWork}).</li>
 * </ul>
 * Every queue operation is checked against the {@link Caller} ({@link CallerAccess}) before anything is read or
 * changed, whichever door it came through; admin actions are written to the audit log.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.READ)
@TransactionManagement(TransactionManagementType.BEAN)
public class QueueService {
    private static final Logger LOG = Logger.getLogger(QueueService.class.getName());

    @Inject
    TaskStore store;

    @Inject
    QueueRegistry registry;

    @Inject
    ConfigWatcher config;

    @Inject
    Clock clock;

    @Inject
    QueueMetrics metrics;

    @Inject
    LeaseGuard guard;

    @Inject
    @ConfigProperty(name = "pullqueue.tombstone.ttl.hours")
    long tombstoneTtlHours;

    @Inject
    @ConfigProperty(name = "pullqueue.history.sample.seconds")
    int sampleSeconds;

    @Inject
    @ConfigProperty(name = "pullqueue.maintenance.seconds")
    int maintenanceSeconds;

    private PullQueueEngine engine;
    private QueueOperations operations;
    private CallerAccess access;

    @PostConstruct
    void start() {
        store.initialize();
        engine = new PullQueueEngine(
                store,
                registry,
                clock,
                new EngineSettings(
                        Duration.ofHours(tombstoneTtlHours), Duration.ofSeconds(Math.max(1, maintenanceSeconds))));
        store.watchOtherInstances(engine::tasksAvailableElsewhere);
        operations = new QueueOperations(engine, store, Math.max(1, sampleSeconds) * 1_000_000L);
        access = new CallerAccess(engine);
        LOG.info(() -> "pullqueue ready: " + registry.all().size() + " queues declared, "
                + "deleted task names reserved for " + tombstoneTtlHours + " h");
    }

    /** Swaps in a new, valid version of queue.yaml once no call is running (see the class comment). */
    @Lock(LockType.WRITE)
    public void swapQueues(QueueConfig newVersion) {
        config.apply(newVersion);
        Audit.log(Audit.FILE, "reloaded queue.yaml " + config.path());
    }

    public void addListener(TaskAvailabilityListener l) {
        engine.addListener(l);
    }

    public List<AddResult> add(String queue, List<TaskDraft> tasks) {
        access.allow(Operation.ADD, queue);
        return engine.add(queue, tasks);
    }

    /** App Engine's BulkAdd rules; see {@link io.pullqueue.core.PullQueueEngine#bulkAdd}. */
    public List<AddResult> bulkAdd(
            String queue, List<TaskDraft> tasks, List<QueueException> refusals, boolean pullTasks) {
        access.allowBulkAdd(queue);
        return engine.bulkAdd(queue, tasks, refusals, pullTasks);
    }

    public List<Task> lease(String queue, long maxTasks, double leaseSeconds, TagFilter filter) {
        return FinishedWork.keep(
                guard::lease,
                () -> {
                    access.allow(Operation.LEASE, queue);
                    long start = System.nanoTime();
                    List<Task> leased = engine.lease(queue, maxTasks, leaseSeconds, filter);
                    metrics.recordLease(queue, Duration.ofNanos(System.nanoTime() - start), leased.size());
                    return leased;
                },
                "a lease",
                queue);
    }

    public long modifyLease(String queue, String name, long token, double leaseSeconds) {
        return FinishedWork.keep(
                guard::modifyLease,
                () -> {
                    access.allow(Operation.MODIFY_LEASE, queue);
                    return engine.modifyLease(queue, name, token, leaseSeconds);
                },
                "a lease change",
                queue);
    }

    public List<ErrorCode> delete(String queue, List<String> names) {
        access.allow(Operation.DELETE, queue);
        return engine.delete(queue, names);
    }

    /**
     * The deletes of a lease call that also deletes the previous batch ({@code deleteNames}): allowed only to a
     * caller who may both lease and delete on the queue, checked before anything is deleted; then exactly
     * {@link #delete}.
     */
    public List<ErrorCode> deleteBeforeLease(String queue, List<String> names) {
        access.allow(Operation.LEASE, queue);
        return delete(queue, names);
    }

    /** Deletes one task; any outcome but OK is thrown (see {@link PullQueueEngine#deleteOne}). */
    public void deleteOne(String queue, String name) {
        access.allow(Operation.DELETE, queue);
        engine.deleteOne(queue, name);
    }

    public Task get(String queue, String name) {
        access.allow(Operation.GET, queue);
        return engine.get(queue, name);
    }

    /** A task the caller has just added, read back for an answer that shows it (v1beta2's insert): adders may. */
    public Task added(String queue, String name) {
        access.allow(Operation.ADD, queue);
        return engine.get(queue, name);
    }

    public TaskPage list(String queue, String afterName, int pageSize) {
        access.allow(Operation.LIST, queue);
        return engine.list(queue, afterName, pageSize, false);
    }

    /** A page of tasks with their payloads, read in one go (App Engine's QueryTasks). */
    public TaskPage listWithPayloads(String queue, String afterName, int pageSize) {
        access.allow(Operation.LIST, queue);
        return engine.list(queue, afterName, pageSize, true);
    }

    public long purge(String queue) {
        Identity who = access.allow(Operation.PURGE, queue);
        long purged = engine.purge(queue);
        Audit.log(who, "purged queue " + queue + " (" + purged + " tasks)");
        return purged;
    }

    public void setPaused(String queue, boolean paused) {
        Identity who = access.allow(paused ? Operation.PAUSE : Operation.RESUME, queue);
        engine.setPaused(queue, paused);
        Audit.log(who, (paused ? "paused" : "resumed") + " queue " + queue);
    }

    public QueueStats stats(String queue) {
        access.allow(Operation.VIEW, queue);
        return engine.stats(queue);
    }

    /** The statistics with task counts read earlier (see {@link PullQueueEngine#stats(String, QueueCounts)}). */
    public QueueStats stats(String queue, QueueCounts counted) {
        access.allow(Operation.VIEW, queue);
        return engine.stats(queue, counted);
    }

    /** The declared queue, or UNKNOWN_QUEUE / INVALID_QUEUE_NAME. */
    public QueueSpec queue(String name) {
        access.allow(Operation.VIEW, name);
        return engine.requireQueue(name);
    }

    /** The declared queues the caller may see. */
    public Collection<QueueSpec> queues() {
        return access.visible(engine.queues());
    }

    public OptionalLong nextEta(String queue) {
        return engine.nextEta(queue);
    }

    public long nowUsec() {
        return engine.nowUsec();
    }

    // ----------------------------------------------- what an operator reads and does (QueueOperations)

    /** A page of the queue's tasks filtered by state and tag, in name or ETA order, without payloads. */
    public TaskListing search(
            String queue, TaskQuery.State state, Tag tag, TaskQuery.Order order, TaskQuery.Cursor after, int pageSize) {
        access.allow(Operation.LIST, queue);
        return operations.search(queue, state, tag, order, after, pageSize);
    }

    /** The operator's override: the named tasks become due now (leases given back, delayed tasks run now). */
    public List<ErrorCode> runNow(String queue, List<String> names) {
        Identity who = access.allow(Operation.RUN_NOW, queue);
        List<ErrorCode> results = operations.runNow(queue, names);
        Audit.log(
                who,
                "made " + results.stream().filter(c -> c == ErrorCode.OK).count() + " of " + names.size()
                        + " tasks of queue " + queue + " due now");
        return results;
    }

    /** The queue's samples over the last {@code seconds}. */
    public QueueHistory history(String queue, long seconds) {
        access.allow(Operation.VIEW, queue);
        return operations.history(queue, seconds);
    }

    /** Which queue.yaml is in force and the last reload's outcome. */
    public ConfigStatus configStatus() {
        CallerAccess.requireAdmin("read the queue.yaml status");
        return config.status();
    }

    /** The path of queue.yaml. */
    public String configPath() {
        CallerAccess.requireAdmin("read the queue.yaml status");
        return config.path();
    }

    /** Writes this server's sample of every pull queue; for the maintenance timer. */
    public void sample(String server, Map<String, QueueCounts> counts) {
        operations.sample(server, counts);
    }

    /** Writes the lease figures held back in memory (LeaseFigures.flush); for the maintenance timer, every tick. */
    public void flushLeaseFigures() {
        engine.flushLeaseFigures();
    }

    /** Bookkeeping for the maintenance timer; reads and writes in bounded batches. */
    public MaintenanceReport maintain(int batch) {
        return engine.maintain(batch);
    }
}
