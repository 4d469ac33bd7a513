package io.pullqueue.worker.it;

import io.pullqueue.worker.PullQueueClient;
import io.pullqueue.worker.Worker;
import java.time.Duration;

/**
 * A worker process for {@link WorkerIT}: its handler reports the task it took on stdout
 * ({@code HANDLING <name> <lease expiry>}) and then never finishes, until the test kills the process.
 * Arguments: base URL, queue, lease seconds.
 */
public final class KillableWorker {

    private KillableWorker() {
    }

    public static void main(String[] args) throws Exception {
        PullQueueClient client = PullQueueClient.builder(args[0]).build();
        Worker.builder(client, args[1])
                .lease(Duration.ofSeconds(Long.parseLong(args[2])))
                .concurrency(1)
                .pollWait(Duration.ofSeconds(1))
                .handler(task -> {
                    System.out.println("HANDLING " + task.name() + " " + task.leaseExpiry());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                })
                .start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
