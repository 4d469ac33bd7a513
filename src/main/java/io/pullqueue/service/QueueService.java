package io.pullqueue.service;

import io.pullqueue.core.AccessRules;
import io.pullqueue.core.AddResult;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Identity;
import io.pullqueue.core.Operation;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import io.pullqueue.core.Role;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskDraft;
import io.pullqueue.core.TaskPage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The one entry point of every door (native REST, v1beta2, App Engine protocol). Leasing runs under
 * MicroProfile Fault Tolerance: a {@code @Timeout} (App Engine's 10 s lease deadline) and a {@code @Bulkhead}
 * bounding concurrent lease calls. Their rejections surface as {@link ErrorCode#TRANSIENT_ERROR} through
 * {@link Failures#translate(Throwable)}. Limits can be tuned with MicroProfile Config, e.g.
 * {@code io.pullqueue.service.QueueService/lease/Bulkhead/value=128}.
 *
 * <p>Every operation is checked against the {@link Caller} by {@link AccessRules} before anything is read or
 * changed, whichever door it came through; admin actions are written to the audit log.
 */
@ApplicationScoped
public class QueueService {

    @Inject
    LeaseManager manager;
    @Inject
    QueueMetrics metrics;

    public List<AddResult> add(String queue, List<TaskDraft> tasks) {
        allow(Operation.ADD, queue);
        return manager.add(queue, tasks);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(64)
    public List<Task> lease(String queue, long maxTasks, double leaseSeconds, TagFilter filter) {
        allow(Operation.LEASE, queue);
        long start = System.nanoTime();
        List<Task> leased = manager.lease(queue, maxTasks, leaseSeconds, filter);
        metrics.recordLease(queue, Duration.ofNanos(System.nanoTime() - start), leased.size());
        return leased;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(64)
    public long modifyLease(String queue, String name, long token, double leaseSeconds) {
        allow(Operation.MODIFY_LEASE, queue);
        return manager.modifyLease(queue, name, token, leaseSeconds);
    }

    public List<ErrorCode> delete(String queue, List<String> names) {
        allow(Operation.DELETE, queue);
        return manager.delete(queue, names);
    }

    public Task get(String queue, String name) {
        allow(Operation.GET, queue);
        return manager.get(queue, name);
    }

    /** A task the caller has just added, read back for an answer that shows it (v1beta2's insert): adders may. */
    public Task added(String queue, String name) {
        allow(Operation.ADD, queue);
        return manager.get(queue, name);
    }

    public TaskPage list(String queue, String afterName, int pageSize) {
        allow(Operation.LIST, queue);
        return manager.list(queue, afterName, pageSize, false);
    }

    /** A page of tasks with their payloads, read in one go (App Engine's QueryTasks). */
    public TaskPage listWithPayloads(String queue, String afterName, int pageSize) {
        allow(Operation.LIST, queue);
        return manager.list(queue, afterName, pageSize, true);
    }

    public long purge(String queue) {
        Identity who = allow(Operation.PURGE, queue);
        long purged = manager.purge(queue);
        Audit.log(who, "purged queue " + queue + " (" + purged + " tasks)");
        return purged;
    }

    public void setPaused(String queue, boolean paused) {
        Identity who = allow(paused ? Operation.PAUSE : Operation.RESUME, queue);
        manager.setPaused(queue, paused);
        Audit.log(who, (paused ? "paused" : "resumed") + " queue " + queue);
    }

    public QueueStats stats(String queue) {
        allow(Operation.VIEW, queue);
        return manager.stats(queue);
    }

    /** The declared queue, or UNKNOWN_QUEUE / INVALID_QUEUE_NAME. */
    public QueueSpec queue(String name) {
        allow(Operation.VIEW, name);
        return manager.queue(name);
    }

    /** The declared queues the caller may see. */
    public Collection<QueueSpec> queues() {
        Identity who = Caller.current();
        if (who.has(Role.ADMIN)) {
            return manager.queues();
        }
        return manager.queues().stream().filter(q -> AccessRules.allows(who, Operation.VIEW, q)).toList();
    }

    /**
     * The caller, once it may do {@code op} on {@code queue}. An admin's calls skip the lookup, so that they meet
     * the queue's own errors (unknown queue, bad name) exactly where they always did.
     */
    private Identity allow(Operation op, String queue) {
        Identity who = Caller.current();
        if (!who.has(Role.ADMIN)) {
            AccessRules.check(who, op, manager.queue(queue));
        }
        return who;
    }

    public long nowUsec() {
        return manager.nowUsec();
    }
}
