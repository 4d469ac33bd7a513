package io.pullqueue.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker loop over one queue: lease due tasks, hand each to a {@link TaskHandler} (or each tag batch to a
 * {@link BatchHandler}), delete what succeeded (grouped into batch deletes), give back what failed so that it is
 * leased again after a backoff, and renew the lease of a task whose handler is still busy.
 *
 * <p>With a batch handler, the next lease call carries the names of the batches that finished since the last one
 * ({@code deleteNames}: the server deletes them, then leases), so that a worker in steady state makes one call per
 * batch. A finished task whose next lease call does not come soon (all handlers busy, or a lease call waiting for
 * tasks) is deleted on its own after {@link #PIGGYBACK_HOLD} (a quarter of the lease at most), and so is everything
 * still to delete at shutdown.
 *
 * <ul>
 * <li>At most {@code limit} handlers run at once; the loop leases only as many tasks as there are free slots
 * (backpressure: nothing waits in a buffer while its lease runs). With adaptive concurrency the limit grows with
 * the queue's due backlog up to the maximum and halves when a lease comes back empty.</li>
 * <li>A lease is renewed when half of it is left, for as long as the handler runs.</li>
 * <li>{@link #close()} stops leasing (a lease call in progress is let finish within the grace time, and what it
 * brings is given back at once), lets running handlers finish within the grace time, gives back at once (lease set
 * to zero) the tasks whose handlers are still running after it, and deletes what finished.</li>
 * </ul>
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    /** How long a finished batch's names wait for the next lease call to delete them before a delete call does. */
    static final Duration PIGGYBACK_HOLD = Duration.ofMillis(500);

    private final PullQueueClient client;
    private final String queue;
    private final TaskHandler taskHandler;
    private final BatchHandler batchHandler;
    private final Duration lease;
    private final int maxTasksPerLease;
    private final Duration pollWait;
    private final Backoff failureBackoff;
    private final Backoff errorBackoff;
    private final Duration grace;
    private final Duration backlogInterval;
    private final boolean adaptive;
    private final WorkerMetrics metrics;

    private final AdaptiveConcurrency concurrency;
    private final ExecutorService handlers;
    private final ScheduledExecutorService renewals;
    private final Thread leaseLoop;
    private final Thread deleteLoop;
    private final LinkedBlockingQueue<Finished> toDelete = new LinkedBlockingQueue<>();
    /** How long finished names wait for a lease call to carry them (zero: deleted at once, as with a task handler). */
    private final long holdNanos;
    private final Set<Unit> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger busy = new AtomicInteger();
    private final ReentrantLock slots = new ReentrantLock();
    private final Condition slotFreed = slots.newCondition();
    private volatile boolean stopping;
    /** Whether the lease loop is inside a lease call, which close() lets finish (guarded by itself). */
    private final boolean[] inLeaseCall = {false};
    private volatile boolean deletesStopping;
    private volatile int limit;
    private long nextBacklogNanos;

    private Worker(Builder b) {
        this.client = b.client;
        this.queue = b.queue;
        this.taskHandler = b.taskHandler;
        this.batchHandler = b.batchHandler;
        this.lease = b.lease;
        this.maxTasksPerLease = b.maxTasksPerLease;
        this.pollWait = b.pollWait;
        this.failureBackoff = b.failureBackoff;
        this.errorBackoff = b.errorBackoff;
        this.grace = b.grace;
        this.backlogInterval = b.backlogInterval;
        this.adaptive = b.minConcurrency < b.maxConcurrency;
        this.holdNanos = batchHandler == null ? 0 : Math.min(PIGGYBACK_HOLD.toNanos(), b.lease.toNanos() / 4);
        this.metrics = b.metrics;
        this.concurrency = new AdaptiveConcurrency(b.minConcurrency, b.maxConcurrency, b.minConcurrency);
        this.limit = concurrency.limit();
        this.handlers = Executors.newFixedThreadPool(b.maxConcurrency, threads("pullqueue-handler-" + queue));
        this.renewals = Executors.newScheduledThreadPool(2, threads("pullqueue-renew-" + queue));
        this.leaseLoop = threads("pullqueue-lease-" + queue).newThread(this::leaseLoop);
        this.deleteLoop = threads("pullqueue-delete-" + queue).newThread(this::deleteLoop);
    }

    /** A worker over {@code queue}; give it a handler, then {@link Builder#start()}. */
    public static Builder builder(PullQueueClient client, String queue) {
        return new Builder(client, queue);
    }

    public static final class Builder {
        private final PullQueueClient client;
        private final String queue;
        private TaskHandler taskHandler;
        private BatchHandler batchHandler;
        private Duration lease = Duration.ofSeconds(60);
        private int minConcurrency = 1;
        private int maxConcurrency = 8;
        private int maxTasksPerLease = 100;
        private Duration pollWait = Duration.ofSeconds(20);
        private Backoff failureBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), 2);
        private Backoff errorBackoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2);
        private Duration grace = Duration.ofSeconds(30);
        private Duration backlogInterval = Duration.ofSeconds(5);
        private WorkerMetrics metrics = WorkerMetrics.NONE;

        private Builder(PullQueueClient client, String queue) {
            this.client = Objects.requireNonNull(client, "client");
            this.queue = Objects.requireNonNull(queue, "queue");
        }

        /** One task per handler call. */
        public Builder handler(TaskHandler handler) {
            this.taskHandler = Objects.requireNonNull(handler);
            this.batchHandler = null;
            return this;
        }

        /** One tag batch per handler call: up to {@code maxTasks} tasks sharing the oldest due task's tag. */
        public Builder batchHandler(BatchHandler handler, int maxTasks) {
            this.batchHandler = Objects.requireNonNull(handler);
            this.taskHandler = null;
            return maxTasksPerLease(maxTasks);
        }

        /**
         * How long each lease lasts (default 60 s). Renewed while the handler runs, so it bounds how long a dead
         * worker's tasks stay hidden, not how long a handler may take.
         */
        public Builder lease(Duration lease) {
            if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("lease must be at least 1 s, got " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** A fixed number of handlers at once (default: adaptive between 1 and 8). */
        public Builder concurrency(int n) {
            return concurrency(n, n);
        }

        /** Adaptive concurrency between {@code min} and {@code max} handlers at once. */
        public Builder concurrency(int min, int max) {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("concurrency needs 1 <= min <= max, got " + min + ", " + max);
            }
            this.minConcurrency = min;
            this.maxConcurrency = max;
            return this;
        }

        /** Most tasks one lease call asks for (1-1000, default 100). */
        public Builder maxTasksPerLease(int n) {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("maxTasksPerLease must be between 1 and 1000, got " + n);
            }
            this.maxTasksPerLease = n;
            return this;
        }

        /** How long a lease call waits for a task when none is due (0-20 s, default 20 s). */
        public Builder pollWait(Duration wait) {
            LeaseOptions.of(1, Duration.ZERO).withWait(wait);
            this.pollWait = wait;
            return this;
        }

        /** How long a failed task stays hidden, by its lease count (default 1 s doubling up to 10 min, jittered). */
        public Builder failureBackoff(Backoff backoff) {
            this.failureBackoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** How long the loop pauses after a lease call failed (default 0.5 s doubling up to 30 s, jittered). */
        public Builder errorBackoff(Backoff backoff) {
            this.errorBackoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** How long {@link Worker#close()} lets running handlers finish (default 30 s). */
        public Builder shutdownGrace(Duration grace) {
            this.grace = Objects.requireNonNull(grace);
            return this;
        }

        /** How often adaptive concurrency reads the queue's backlog (default 5 s). */
        public Builder backlogInterval(Duration interval) {
            this.backlogInterval = Objects.requireNonNull(interval);
            return this;
        }

        public Builder metrics(WorkerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

        /** Starts the worker's threads. */
        public Worker start() {
            if (taskHandler == null && batchHandler == null) {
                throw new IllegalStateException("a worker needs a handler or a batchHandler");
            }
            Worker w = new Worker(this);
            w.leaseLoop.start();
            w.deleteLoop.start();
            LOG.info(() -> "Worker on queue " + queue + " started: lease " + lease.toMillis() + " ms, concurrency "
                    + minConcurrency + "-" + maxConcurrency);
            return w;
        }
    }

    /** The current concurrency limit. */
    public int concurrencyLimit() {
        return limit;
    }

    /** Handlers running now. */
    public int busy() {
        return busy.get();
    }

    /**
     * Stops the worker: see the class description. Waits for the grace time at most, plus the calls it makes. An
     * interrupt of the calling thread ends the grace time at once (the tasks still running are given back); the
     * thread's interrupt status is kept.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        long graceEnd = System.nanoTime() + grace.toNanos();
        // A lease call in progress is let finish (within the grace time, while the handlers finish too): cut off,
        // the tasks the server leased to it would be lost to every worker until their lease ran out. What it
        // returns is given back at once. Waiting for a free handler or after an error ends at once.
        synchronized (inLeaseCall) {
            if (!inLeaseCall[0]) {
                leaseLoop.interrupt();
            }
        }
        boolean interrupted = false;
        try {
            leaseLoop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(graceEnd - System.nanoTime())));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        leaseLoop.interrupt();
        interrupted |= join(leaseLoop);
        handlers.shutdown();
        boolean finished = false;
        if (!interrupted) {
            try {
                finished = handlers.awaitTermination(Math.max(0, graceEnd - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!finished) {
            int n = 0;
            for (Unit u : running) {
                n += u.abandon();
            }
            if (n > 0) {
                metrics.givenBack(queue, n);
            }
            handlers.shutdownNow();
            LOG.info("Worker on queue " + queue + ": " + n + " task(s) still running after the grace time given back");
        }
        renewals.shutdownNow();
        deletesStopping = true;
        interrupted |= join(deleteLoop);
        LOG.info(() -> "Worker on queue " + queue + " stopped");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for a thread to end, through interrupts; whether one came. */
    private static boolean join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    private void leaseLoop() {
        int errors = 0;
        while (!stopping) {
            try {
                int free = awaitFreeSlot();
                LeaseOptions options = LeaseOptions.of(batchHandler != null ? maxTasksPerLease
                        : Math.min(free, maxTasksPerLease), lease).withWait(pollWait);
                if (batchHandler != null) {
                    options = options.groupedByTag();
                }
                long leasedAt = System.nanoTime();
                synchronized (inLeaseCall) {
                    if (stopping) {
                        break;
                    }
                    inLeaseCall[0] = true;
                }
                List<LeasedTask> tasks;
                try {
                    tasks = lease(options);
                } finally {
                    synchronized (inLeaseCall) {
                        inLeaseCall[0] = false;
                    }
                }
                errors = 0;
                if (stopping) {
                    Thread.interrupted(); // close() may have interrupted just after the call: give back regardless
                    giveBack(tasks);
                    break;
                }
                concurrency.onLease(options.maxTasks(), tasks.size());
                publishLimit();
                if (batchHandler != null) {
                    if (!tasks.isEmpty()) {
                        submit(new Unit(tasks, leasedAt));
                    }
                } else {
                    for (LeasedTask t : tasks) {
                        submit(new Unit(List.of(t), leasedAt));
                    }
                }
            } catch (InterruptedException e) {
                break;
            } catch (PullQueueException e) {
                errors++;
                Duration pause = errorBackoff.delay(errors);
                if (errors == 1 || errors % 10 == 0) {
                    LOG.warning("Worker on queue " + queue + ": lease failed (" + errors + " in a row), trying again in "
                            + pause.toMillis() + " ms: " + e.getMessage());
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException stop) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Worker on queue " + queue + ": lease loop error", e);
                try {
                    Thread.sleep(errorBackoff.max().toMillis());
                } catch (InterruptedException stop) {
                    break;
                }
            }
        }
    }

    /**
     * One lease call; with a batch handler, it also deletes the batches finished since the last one. If it fails,
     * those names go back to be deleted again (a second delete of a deleted task answers TOMBSTONED_TASK).
     */
    private List<LeasedTask> lease(LeaseOptions options) throws InterruptedException {
        if (holdNanos == 0) {
            return client.lease(queue, options);
        }
        List<Finished> done = new ArrayList<>();
        toDelete.drainTo(done, PullQueueClient.MAX_DELETE);
        if (done.isEmpty()) {
            return client.lease(queue, options);
        }
        List<String> names = done.stream().map(Finished::name).toList();
        LeaseResult r;
        try {
            r = client.lease(queue, options, names);
        } catch (InterruptedException | RuntimeException e) { // PullQueueException included
            toDelete.addAll(done);
            throw e;
        }
        deleted(r.deleted());
        return r.tasks();
    }

    /** Counts the deletes that took and logs the others. */
    private void deleted(List<DeleteResult> results) {
        int gone = 0;
        for (DeleteResult r : results) {
            if (r.gone()) {
                gone++;
            } else {
                LOG.warning("Worker on queue " + queue + ": task " + r.name() + " not deleted: " + r.status());
            }
        }
        metrics.deleted(queue, gone);
    }

    /** Waits until fewer handlers than the limit run; returns how many more may start. */
    private int awaitFreeSlot() throws InterruptedException {
        while (true) {
            refreshBacklog();
            int free = limit - busy.get();
            if (free > 0) {
                return free;
            }
            slots.lock();
            try {
                if (limit - busy.get() <= 0) {
                    slotFreed.await(backlogInterval.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                slots.unlock();
            }
        }
    }

    private void refreshBacklog() throws InterruptedException {
        if (!adaptive || System.nanoTime() - nextBacklogNanos < 0) {
            return;
        }
        nextBacklogNanos = System.nanoTime() + backlogInterval.toNanos();
        try {
            Backlog b = client.backlog(queue);
            concurrency.onBacklog(b.due(), busy.get());
            publishLimit();
        } catch (PullQueueException e) {
            LOG.fine(() -> "backlog of " + queue + " not read: " + e.getMessage());
        }
    }

    private void publishLimit() {
        int l = concurrency.limit();
        if (l != limit) {
            limit = l;
            metrics.concurrency(queue, l);
        }
    }

    private void submit(Unit u) {
        busy.incrementAndGet();
        running.add(u);
        u.scheduleRenewal();
        handlers.execute(u);
    }

    private void slotFreed() {
        busy.decrementAndGet();
        slots.lock();
        try {
            slotFreed.signalAll();
        } finally {
            slots.unlock();
        }
    }

    private void giveBack(List<LeasedTask> tasks) {
        int n = 0;
        for (LeasedTask t : tasks) {
            if (modify(t, Duration.ZERO) != null) {
                n++;
            }
        }
        if (!tasks.isEmpty()) {
            metrics.givenBack(queue, n);
        }
    }

    /** Changes one held task's lease; null when that failed (logged). */
    private LeaseRenewal modify(LeasedTask t, Duration d) {
        try {
            return client.modifyLease(queue, t.name(), t.leaseToken(), d);
        } catch (PermanentException e) {
            if (e.is("TASK_LEASE_EXPIRED")) {
                metrics.leaseLost(queue);
            } else {
                LOG.warning("Worker on queue " + queue + ": lease of " + t.name() + " not changed: " + e.getMessage());
            }
        } catch (TransientException e) {
            LOG.warning("Worker on queue " + queue + ": lease of " + t.name() + " not changed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Tasks handled together (one, or one tag batch), their current leases, and their renewal. */
    private final class Unit implements Runnable {
        private final List<LeasedTask> tasks;
        private final Map<String, Boolean> lost = new ConcurrentHashMap<>();
        private ScheduledFuture<?> renewal;
        private boolean finished;
        /** When the leases run out by this process's clock: the lease time after the call that set them began. */
        private long expiryNanos;

        Unit(List<LeasedTask> tasks, long leasedAtNanos) {
            this.tasks = new ArrayList<>(tasks);
            this.expiryNanos = leasedAtNanos + lease.toNanos();
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            Throwable error = null;
            try {
                if (batchHandler != null) {
                    batchHandler.handle(List.copyOf(tasks));
                } else {
                    taskHandler.handle(tasks.get(0));
                }
            } catch (Throwable e) {
                error = e;
            }
            Duration time = Duration.ofNanos(System.nanoTime() - start);
            try {
                List<LeasedTask> mine = finish();
                if (mine == null) {
                    return; // given back at shutdown: another worker may hold the tasks now
                }
                if (error == null) {
                    metrics.done(queue, mine.size(), time);
                    long now = System.nanoTime();
                    for (LeasedTask t : mine) {
                        toDelete.add(new Finished(t.name(), now));
                    }
                } else {
                    metrics.failed(queue, mine.size(), time, error);
                    LOG.fine(() -> "handler failed on " + queue + ": " + tasks.get(0).name());
                    for (LeasedTask t : mine) {
                        if (!lost.containsKey(t.name())) {
                            modify(t, failureBackoff.delay(Math.max(1, t.retryCount())));
                        }
                    }
                }
            } finally {
                running.remove(this);
                slotFreed();
            }
        }

        /** Ends the renewals; the tasks as held now, or null when they were given back. */
        private synchronized List<LeasedTask> finish() {
            if (finished) {
                return null;
            }
            finished = true;
            if (renewal != null) {
                renewal.cancel(false);
            }
            return List.copyOf(tasks);
        }

        /** At shutdown: gives the tasks back at once; how many were given back. */
        synchronized int abandon() {
            if (finished) {
                return 0;
            }
            finished = true;
            if (renewal != null) {
                renewal.cancel(false);
            }
            int n = 0;
            for (LeasedTask t : tasks) {
                if (!lost.containsKey(t.name()) && modify(t, Duration.ZERO) != null) {
                    n++;
                }
            }
            return n;
        }

        /**
         * Renews when half of the lease is left (by this process's clock, from when the call that set the lease
         * began, so neither the server's clock nor a slow answer makes it late).
         */
        synchronized void scheduleRenewal() {
            if (finished) {
                return;
            }
            long margin = lease.toNanos() / 2;
            long delay = Math.max(TimeUnit.MILLISECONDS.toNanos(50), expiryNanos - margin - System.nanoTime());
            try {
                renewal = renewals.schedule(this::renew, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                renewal = null;
            }
        }

        private synchronized void renew() {
            if (finished) {
                return;
            }
            long renewedAt = System.nanoTime();
            boolean allRenewed = true;
            for (int i = 0; i < tasks.size(); i++) {
                LeasedTask t = tasks.get(i);
                if (lost.containsKey(t.name())) {
                    continue;
                }
                try {
                    tasks.set(i, t.renewed(client.modifyLease(queue, t.name(), t.leaseToken(), lease)));
                    metrics.renewed(queue);
                } catch (PermanentException e) {
                    lost.put(t.name(), Boolean.TRUE);
                    metrics.leaseLost(queue);
                    LOG.warning("Worker on queue " + queue + ": lease of " + t.name() + " lost while its handler ran: "
                            + e.getMessage());
                } catch (TransientException e) {
                    allRenewed = false;
                    LOG.warning("Worker on queue " + queue + ": lease of " + t.name() + " not renewed yet: "
                            + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (tasks.stream().allMatch(t -> lost.containsKey(t.name()))) {
                return;
            }
            if (allRenewed) {
                expiryNanos = renewedAt + lease.toNanos();
            }
            scheduleRenewal();
        }
    }

    /** A finished task's name, to be deleted, and when it finished ({@link System#nanoTime()}). */
    private record Finished(String name, long atNanos) {}

    /**
     * Deletes finished tasks in batches: whatever has gathered while the previous delete ran, up to 1000. With a
     * batch handler, only names the lease loop has not carried within the hold time (and all of them at shutdown).
     */
    private void deleteLoop() {
        List<Finished> batch = new ArrayList<>();
        int errors = 0;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    if (deletesStopping) {
                        toDelete.drainTo(batch, PullQueueClient.MAX_DELETE);
                        if (batch.isEmpty()) {
                            return;
                        }
                    } else if (holdNanos == 0) {
                        Finished first = toDelete.poll(200, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                    } else {
                        Finished first = toDelete.peek();
                        long left = first == null ? holdNanos / 2 : first.atNanos() + holdNanos - System.nanoTime();
                        if (first == null || left > 0) {
                            // Nothing to delete yet, or the next lease call may still carry it.
                            Thread.sleep(Math.max(1, Math.min(200, left / 1_000_000)));
                            continue;
                        }
                        first = toDelete.poll();
                        if (first == null) {
                            continue; // the lease loop took it
                        }
                        batch.add(first);
                    }
                }
                toDelete.drainTo(batch, PullQueueClient.MAX_DELETE - batch.size());
                deleted(client.delete(queue, batch.stream().map(Finished::name).toList()));
                batch.clear();
                errors = 0;
            } catch (InterruptedException e) {
                return; // only a daemon thread's end interrupts it
            } catch (PullQueueException e) {
                errors++;
                LOG.warning("Worker on queue " + queue + ": delete of " + batch.size() + " task(s) failed"
                        + (deletesStopping && errors >= 3 ? ", giving up (they will be leased again)" : "")
                        + ": " + e.getMessage());
                if (deletesStopping && errors >= 3) {
                    batch.clear();
                    continue;
                }
                try {
                    Thread.sleep(errorBackoff.delay(errors).toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
