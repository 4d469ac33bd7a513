package io.pullqueue.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.TagFilter;
import io.pullqueue.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How lease calls wait in line and run together, with the database left out: the runner stands for the lease
 * transaction (PostgresTaskStoreTest runs the same against PostgreSQL).
 */
class LeaseCombinerTest {
    private static final long NOW = 1_800_000_000_000_000L;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CountDownLatch firstRunHeld = new CountDownLatch(1);
    private final CountDownLatch releaseFirstRun = new CountDownLatch(1);
    private final List<List<Integer>> runs = Collections.synchronizedList(new ArrayList<>());
    private volatile RuntimeException failSecondRun;

    /** Records each run's maximums; holds the first run until released; answers EMPTY to everyone. */
    private final Function<List<LeaseQuery>, List<LeaseOutcome>> runner = queries -> {
        List<Integer> maxima = new ArrayList<>();
        queries.forEach(q -> maxima.add(q.maxTasks()));
        runs.add(maxima);
        if (runs.size() == 1) {
            firstRunHeld.countDown();
            try {
                releaseFirstRun.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        } else if (failSecondRun != null) {
            throw failSecondRun;
        }
        return Collections.nCopies(queries.size(), LeaseOutcome.EMPTY);
    };

    private final LeaseCombiner combiner = new LeaseCombiner(runner);

    @AfterEach
    void stop() {
        releaseFirstRun.countDown();
        pool.shutdownNow();
    }

    private static LeaseQuery query(int max, TagFilter filter) {
        return new LeaseQuery("q", max, filter, NOW, NOW + 60_000_000L, null, NOW + 1);
    }

    private Future<LeaseOutcome> lease(int max) {
        return pool.submit(() -> combiner.lease(query(max, TagFilter.ANY)));
    }

    /** Starts a run that holds the line, then queues calls of the given maximums, one after the other. */
    private List<Future<LeaseOutcome>> queueBehindAHeldRun(int... maxima) throws Exception {
        lease(1);
        assertTrue(firstRunHeld.await(20, TimeUnit.SECONDS));
        List<Future<LeaseOutcome>> queued = new ArrayList<>();
        for (int max : maxima) {
            int before = combiner.waiting("q");
            queued.add(lease(max));
            await(() -> combiner.waiting("q") == before + 1);
        }
        return queued;
    }

    @Test
    void callsInLineRunTogetherInTheOrderTheyCame() throws Exception {
        List<Future<LeaseOutcome>> queued = queueBehindAHeldRun(3, 1, 4);

        releaseFirstRun.countDown();

        for (Future<LeaseOutcome> f : queued) {
            assertSame(LeaseOutcome.EMPTY, f.get(20, TimeUnit.SECONDS));
        }
        assertEquals(List.of(List.of(1), List.of(3, 1, 4)), runs);
        assertEquals(1, combiner.combinedRuns());
    }

    @Test
    void aRunAsksForAThousandTasksAtMostAndTheRestRunNext() throws Exception {
        int[] maxima = new int[101];
        Arrays.fill(maxima, 10);
        maxima[100] = 1;
        List<Future<LeaseOutcome>> queued = queueBehindAHeldRun(maxima);

        releaseFirstRun.countDown();

        for (Future<LeaseOutcome> f : queued) {
            f.get(20, TimeUnit.SECONDS);
        }
        assertEquals(3, runs.size(), runs.toString());
        assertEquals(Collections.nCopies(100, 10), runs.get(1));
        assertEquals(List.of(1), runs.get(2));
    }

    @Test
    void aFailedRunFailsEveryCallInItAndTheLineGoesOn() throws Exception {
        failSecondRun = new StoreException("lease tasks of queue q", new java.sql.SQLException("gone"));
        List<Future<LeaseOutcome>> queued = queueBehindAHeldRun(2, 2);

        releaseFirstRun.countDown();

        for (Future<LeaseOutcome> f : queued) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
            assertSame(failSecondRun, e.getCause());
        }
        failSecondRun = null;
        assertSame(LeaseOutcome.EMPTY, lease(5).get(20, TimeUnit.SECONDS), "the next call runs");
    }

    @Test
    void aCallInterruptedInLineLeavesItWithoutRunning() throws Exception {
        lease(1);
        assertTrue(firstRunHeld.await(20, TimeUnit.SECONDS));
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        Future<LeaseOutcome> interrupted = pool.submit(() -> {
            caller.complete(Thread.currentThread());
            return combiner.lease(query(2, TagFilter.ANY));
        });
        await(() -> combiner.waiting("q") == 1);
        caller.get().interrupt(); // as Fault Tolerance's timeout does

        ExecutionException e = assertThrows(ExecutionException.class, () -> interrupted.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreException, e.toString());
        assertTrue(
                e.getCause().getMessage().contains("nothing was leased"),
                e.getCause().getMessage());
        assertEquals(0, combiner.waiting("q"));
        releaseFirstRun.countDown();
        assertSame(LeaseOutcome.EMPTY, lease(3).get(20, TimeUnit.SECONDS));
        assertEquals(List.of(List.of(1), List.of(3)), runs, "the interrupted call never ran");
    }

    @Test
    void aCallInterruptedWhileItsRunGoesOnGetsThatRunsOutcome() throws Exception {
        CountDownLatch secondRunHeld = new CountDownLatch(1);
        CountDownLatch releaseSecondRun = new CountDownLatch(1);
        LeaseCombiner held = new LeaseCombiner(queries -> {
            int run = runs.size() + 1;
            runs.add(List.of(queries.size()));
            try {
                if (run == 1) {
                    firstRunHeld.countDown();
                    releaseFirstRun.await();
                } else if (run == 2) {
                    secondRunHeld.countDown();
                    releaseSecondRun.await();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Collections.nCopies(queries.size(), LeaseOutcome.EMPTY);
        });
        pool.submit(() -> held.lease(query(1, TagFilter.ANY)));
        assertTrue(firstRunHeld.await(20, TimeUnit.SECONDS));
        Future<LeaseOutcome> runsTheSecond = pool.submit(() -> held.lease(query(1, TagFilter.ANY)));
        await(() -> held.waiting("q") == 1);
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        Future<Boolean> second = pool.submit(() -> {
            caller.complete(Thread.currentThread());
            LeaseOutcome o = held.lease(query(2, TagFilter.ANY));
            return o == LeaseOutcome.EMPTY && Thread.currentThread().isInterrupted();
        });
        await(() -> held.waiting("q") == 2);
        releaseFirstRun.countDown();
        assertTrue(secondRunHeld.await(20, TimeUnit.SECONDS));

        caller.get().interrupt(); // taken into the second run, which goes on
        releaseSecondRun.countDown();

        assertTrue(second.get(20, TimeUnit.SECONDS), "the run's outcome, with the interrupt kept");
        assertSame(LeaseOutcome.EMPTY, runsTheSecond.get(20, TimeUnit.SECONDS));
        assertEquals(List.of(List.of(1), List.of(2)), runs, "one run of the two that waited");
    }

    @Test
    void leasesOfMoreThanTenTasksRunAtOnceAlongsideTheHeldRun() throws Exception {
        queueBehindAHeldRun();

        assertSame(LeaseOutcome.EMPTY, lease(11).get(20, TimeUnit.SECONDS));
        assertSame(LeaseOutcome.EMPTY, lease(1000).get(20, TimeUnit.SECONDS));
        assertEquals(List.of(List.of(1), List.of(11), List.of(1000)), runs);
    }

    @Test
    void leasesByTagOrByTheOldestTagDoNotWaitForALeaseOfAnyTask() throws Exception {
        queueBehindAHeldRun();

        assertSame(
                LeaseOutcome.EMPTY,
                pool.submit(() -> combiner.lease(query(1, TagFilter.OLDEST_TAG)))
                        .get(20, TimeUnit.SECONDS));
        assertSame(
                LeaseOutcome.EMPTY,
                pool.submit(() -> combiner.lease(query(1, TagFilter.tag("x")))).get(20, TimeUnit.SECONDS));
        assertEquals(3, runs.size(), "two ran while the first was held");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), "condition not reached within 20 s");
            Thread.sleep(5);
        }
    }
}
