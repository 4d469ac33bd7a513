package io.pullqueue.store;

import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Leases on several threads at once until the queue has no due task left; the threads take turns over the given
 * stores (several stores over one database stand for several server instances).
 */
public final class ConcurrentLeasing {

    private ConcurrentLeasing() {}

    /** Returns the names of all tasks leased, by all threads, in no particular order. */
    public static List<String> leaseUntilEmpty(
            TaskStore store, String queue, int threads, int maxTasks, long now, long newEta) throws Exception {
        return leaseUntilEmpty(List.of(store), queue, threads, maxTasks, now, newEta);
    }

    /** Thread i leases from {@code stores.get(i % stores.size())}. */
    public static List<String> leaseUntilEmpty(
            List<TaskStore> stores, String queue, int threads, int maxTasks, long now, long newEta) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            LeaseQuery query = new LeaseQuery(queue, maxTasks, TagFilter.ANY, now, newEta, null, newEta);
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(worker(stores.get(i % stores.size()), query, start)));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : results) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<List<String>> worker(TaskStore store, LeaseQuery query, CountDownLatch start) {
        return () -> {
            start.await();
            List<String> mine = new ArrayList<>();
            while (true) {
                List<Task> leased = store.taskLease(query).leased();
                if (leased.isEmpty()) {
                    return mine;
                }
                leased.forEach(t -> mine.add(t.name()));
            }
        };
    }
}
