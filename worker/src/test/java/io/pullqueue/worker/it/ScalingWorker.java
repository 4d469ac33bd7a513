package io.pullqueue.worker.it;

import io.pullqueue.worker.PullQueueClient;
import io.pullqueue.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One worker process of {@link ScalingRun}: a fixed number of handlers, each task "works" for a fixed time (I/O-like:
 * it waits, so that many processes fit on a small machine). On SIGTERM it closes the worker (graceful shutdown) and
 * prints {@code DONE <tasks> <histogram of waits>}: how long each task waited between being added and being taken,
 * in buckets of {@link #BUCKET_MS}. Arguments: base URL, queue, handlers, work ms.
 */
public final class ScalingWorker {

    static final int BUCKET_MS = 250;
    static final int BUCKETS = 480;

    private ScalingWorker() {
    }

    public static void main(String[] args) throws Exception {
        long workMs = Long.parseLong(args[3]);
        AtomicLong done = new AtomicLong();
        AtomicLongArray waits = new AtomicLongArray(BUCKETS);
        PullQueueClient client = PullQueueClient.builder(args[0]).build();
        Worker w = Worker.builder(client, args[1])
                .concurrency(Integer.parseInt(args[2]))
                .lease(Duration.ofSeconds(30))
                .pollWait(Duration.ofSeconds(5))
                .shutdownGrace(Duration.ofSeconds(5))
                .handler(task -> {
                    long waitedMs = Duration.between(task.created(), Instant.now()).toMillis();
                    waits.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, waitedMs / BUCKET_MS)));
                    TimeUnit.MILLISECONDS.sleep(workMs);
                    done.incrementAndGet();
                })
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            w.close();
            StringBuilder out = new StringBuilder("DONE ").append(done.get());
            for (int i = 0; i < BUCKETS; i++) {
                out.append(' ').append(waits.get(i));
            }
            System.out.println(out);
            System.out.flush();
            stopped.countDown();
        }));
        System.out.println("READY");
        System.out.flush();
        stopped.await();
    }
}
