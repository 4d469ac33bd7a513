package io.pullqueue.service;

import io.pullqueue.core.AddResult;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
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
 */
@ApplicationScoped
public class QueueService {

    @Inject
    LeaseManager manager;
    @Inject
    QueueMetrics metrics;

    public List<AddResult> add(String queue, List<TaskDraft> tasks) {
        return manager.add(queue, tasks);
    }

    /** App Engine's BulkAdd rules; see {@link io.pullqueue.core.PullQueueEngine#bulkAdd}. */
    public List<AddResult> bulkAdd(String queue, List<TaskDraft> tasks, List<QueueException> refusals,
                                   boolean pullTasks) {
        return manager.bulkAdd(queue, tasks, refusals, pullTasks);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(64)
    public List<Task> lease(String queue, long maxTasks, double leaseSeconds, TagFilter filter) {
        long start = System.nanoTime();
        List<Task> leased = manager.lease(queue, maxTasks, leaseSeconds, filter);
        metrics.recordLease(queue, Duration.ofNanos(System.nanoTime() - start), leased.size());
        return leased;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(64)
    public long modifyLease(String queue, String name, long token, double leaseSeconds) {
        return manager.modifyLease(queue, name, token, leaseSeconds);
    }

    public List<ErrorCode> delete(String queue, List<String> names) {
        return manager.delete(queue, names);
    }

    public Task get(String queue, String name) {
        return manager.get(queue, name);
    }

    public TaskPage list(String queue, String afterName, int pageSize) {
        return manager.list(queue, afterName, pageSize, false);
    }

    /** A page of tasks with their payloads, read in one go (App Engine's QueryTasks). */
    public TaskPage listWithPayloads(String queue, String afterName, int pageSize) {
        return manager.list(queue, afterName, pageSize, true);
    }

    public long purge(String queue) {
        return manager.purge(queue);
    }

    public void setPaused(String queue, boolean paused) {
        manager.setPaused(queue, paused);
    }

    public QueueStats stats(String queue) {
        return manager.stats(queue);
    }

    /** The declared queue, or UNKNOWN_QUEUE / INVALID_QUEUE_NAME. */
    public QueueSpec queue(String name) {
        return manager.queue(name);
    }

    public Collection<QueueSpec> queues() {
        return manager.queues();
    }

    public long nowUsec() {
        return manager.nowUsec();
    }
}
