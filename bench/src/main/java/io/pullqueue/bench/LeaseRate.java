package io.pullqueue.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The rate of lease-1 calls against a running server, for comparing configurations of the same build (e.g.
 * authentication on and off): {@code LeaseRate PORT QUEUE WORKERS SECONDS}, with {@code -Dbench.api.key=KEY} to
 * send a key. Adds enough tasks first, warms up for a fifth of the time, then counts.
 */
public final class LeaseRate {
    private LeaseRate() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String queue = "/api/v1/queues/" + args[1];
        int workers = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        StringBuilder hundred = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < 100; i++) {
            hundred.append(i == 0 ? "" : ",").append("{\"payload\":\"aGVsbG8=\"}");
        }
        String add = hundred.append("]}").toString();
        try (Http http = new Http("127.0.0.1", port)) {
            for (int i = 0; i < seconds * 80; i++) {
                PullqueuePeer.check(http.post(queue + "/tasks:batchAdd", add), 200);
            }
        }
        LongAdder count = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean counting = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            done.add(pool.submit(() -> {
                try (Http http = new Http("127.0.0.1", port)) {
                    while (!stop.get()) {
                        Http.Response r = PullqueuePeer.check(http.post(queue + "/tasks:lease",
                                "{\"maxTasks\":1,\"leaseSeconds\":600}"), 200);
                        if (!r.body().contains("\"name\"")) {
                            throw new IllegalStateException("lease returned nothing: add more tasks");
                        }
                        if (counting.get()) {
                            count.increment();
                        }
                    }
                }
                return null;
            }));
        }
        Thread.sleep(seconds * 200L);
        counting.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long n = count.sum();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("port %d %s key=%s workers %d: %.0f lease calls/s (%.1f us each per worker)%n", port, args[1],
                System.getProperty("bench.api.key") == null ? "none" : "yes", workers, n / elapsed,
                1e6 * elapsed * workers / n);
    }
}
