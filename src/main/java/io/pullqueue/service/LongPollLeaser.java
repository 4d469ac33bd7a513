package io.pullqueue.service;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Identity;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Task;
import io.pullqueue.core.Validation;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Lease calls that may wait up to 20 s for tasks. A waiting call holds no request thread (the door suspends
 * the request) and no database connection: it is a small record woken when tasks are added or a lease is given
 * back in its queue, or at the next ETA of the queue (a lease running out), whichever comes first.
 */
@ApplicationScoped
public class LongPollLeaser {
    public static final Duration MAX_WAIT = Duration.ofSeconds(20);
    /** When nothing wakes a waiter earlier, it looks again after this long (tasks of another tag may be due). */
    private static final long RECHECK_USEC = 1_000_000L;

    @Inject
    QueueService service;

    @Resource
    ManagedScheduledExecutorService executor;

    @Inject
    @ConfigProperty(name = "pullqueue.longpoll.max.waiters")
    int maxWaiters;

    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    @Inject
    MetricRegistry metrics;

    @PostConstruct
    void listen() {
        service.addListener(this::wake);
        metrics.gauge(
                Metadata.builder()
                        .withName("pullqueue.lease.waiting")
                        .withDescription("Lease calls waiting for tasks (long poll) on this server")
                        .build(),
                waiting,
                AtomicInteger::get);
    }

    /** Leases at once; if nothing is due and the request may wait, completes when tasks come or time is up. */
    public CompletionStage<List<Task>> lease(LeaseRequest r) {
        checkWait(r);
        List<Task> now = service.lease(r.queue(), r.maxTasks(), r.leaseSeconds(), r.filter());
        if (!now.isEmpty() || r.maxWait().isZero()) {
            return CompletableFuture.completedFuture(now);
        }
        if (waiting.incrementAndGet() > maxWaiters) {
            waiting.decrementAndGet();
            throw new QueueException(
                    ErrorCode.TRANSIENT_ERROR,
                    "too many waiting lease calls on this server (limit " + maxWaiters + "); retry shortly");
        }
        // Later attempts run on the executor's threads, as the caller that the first attempt was allowed for.
        Waiter w =
                new Waiter(r, Caller.current(), service.nowUsec() + r.maxWait().toNanos() / 1000);
        park(w);
        return w.result;
    }

    /**
     * The first half of a lease call that also deletes ({@code deleteNames}): checks the whole lease request (so a
     * bad one changes nothing), then deletes the names exactly as a batch delete would. The caller then calls
     * {@link #lease}; whatever that answers, these deletes are committed.
     */
    public List<ErrorCode> deleteBeforeLease(LeaseRequest r, List<String> names) {
        checkWait(r);
        Validation.checkLease(r.maxTasks(), r.leaseSeconds(), r.filter());
        return service.deleteBeforeLease(r.queue(), names);
    }

    private static void checkWait(LeaseRequest r) {
        if (r.maxWait().isNegative() || r.maxWait().compareTo(MAX_WAIT) > 0) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    "waitSeconds",
                    "waitSeconds must be between 0 and " + MAX_WAIT.toSeconds() + ", got "
                            + r.maxWait().toSeconds());
        }
    }

    private void park(Waiter w) {
        waiters.computeIfAbsent(w.request.queue(), q -> ConcurrentHashMap.newKeySet())
                .add(w);
        long now = service.nowUsec();
        OptionalLong next = service.nextEta(w.request.queue());
        long at = now + RECHECK_USEC;
        if (next.isPresent() && next.getAsLong() > now) {
            at = Math.min(at, next.getAsLong());
        }
        at = Math.min(at, w.deadlineUsec);
        w.schedule(executor.schedule(() -> attempt(w), Math.max(0, at - now), TimeUnit.MICROSECONDS));
    }

    private void wake(String queue) {
        Set<Waiter> set = waiters.get(queue);
        if (set == null) {
            return;
        }
        for (Waiter w : set) {
            if (set.remove(w)) {
                w.cancelTimer();
                executor.execute(() -> attempt(w));
            }
        }
    }

    private void attempt(Waiter w) {
        Set<Waiter> set = waiters.get(w.request.queue());
        if (set != null) {
            set.remove(w);
        }
        if (!w.claim()) {
            return;
        }
        try {
            LeaseRequest r = w.request;
            List<Task> tasks =
                    Caller.as(w.caller, () -> service.lease(r.queue(), r.maxTasks(), r.leaseSeconds(), r.filter()));
            if (!tasks.isEmpty() || service.nowUsec() >= w.deadlineUsec) {
                finish(w, tasks, null);
                return;
            }
            w.release();
            park(w);
        } catch (RuntimeException e) {
            finish(w, null, e);
        }
    }

    private void finish(Waiter w, List<Task> tasks, Throwable error) {
        waiting.decrementAndGet();
        if (error != null) {
            w.result.completeExceptionally(error);
        } else {
            w.result.complete(tasks);
        }
    }

    /** One waiting lease call. Exactly one attempt runs at a time ({@link #claim()}). */
    private static final class Waiter {
        final LeaseRequest request;
        final Identity caller;
        final long deadlineUsec;
        final CompletableFuture<List<Task>> result = new CompletableFuture<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile Future<?> timer;

        Waiter(LeaseRequest request, Identity caller, long deadlineUsec) {
            this.request = request;
            this.caller = caller;
            this.deadlineUsec = deadlineUsec;
        }

        boolean claim() {
            return running.compareAndSet(false, true);
        }

        void release() {
            running.set(false);
        }

        void schedule(Future<?> f) {
            timer = f;
        }

        void cancelTimer() {
            Future<?> f = timer;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
