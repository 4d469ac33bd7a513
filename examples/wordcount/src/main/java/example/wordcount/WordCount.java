package example.wordcount;

import io.pullqueue.worker.LeaseOptions;
import io.pullqueue.worker.LeasedTask;
import io.pullqueue.worker.NewTask;
import io.pullqueue.worker.PullQueueClient;
import io.pullqueue.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * Word counts over pullqueue. Producers add text tasks to queue {@code texts} (one per paragraph); workers count
 * each text's words and add the counts as a task to queue {@code word-counts}, then the text task is deleted; a
 * reader leases the counts and merges them.
 *
 * <pre>
 * WordCount [url] add FILE...   add every paragraph of the files as a task
 * WordCount [url] work          run a worker until SIGTERM / Ctrl-C
 * WordCount [url] totals [N]    merge (and delete) the counts written so far, print the N most frequent words
 * WordCount [url] FILE...       all three: add, work until the texts are done, print the totals
 * </pre>
 *
 * The worker's concurrency comes from {@code WORKER_CONCURRENCY} (default 8), the server from {@code PULLQUEUE_URL}
 * or the first argument (default {@code http://localhost:9080}).
 */
public final class WordCount {

    static final String TEXTS = "texts";
    static final String COUNTS = "word-counts";
    private static final Pattern WORD = Pattern.compile("[^\\p{L}\\p{N}']+");

    private WordCount() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        String url = !a.isEmpty() && a.get(0).startsWith("http") ? a.remove(0)
                : System.getenv().getOrDefault("PULLQUEUE_URL", "http://localhost:9080");
        PullQueueClient client = PullQueueClient.builder(url).build();
        String mode = a.isEmpty() ? "work" : a.get(0);
        switch (mode) {
            case "add" -> add(client, a.subList(1, a.size()));
            case "work" -> work(client);
            case "totals" -> totals(client, a.size() > 1 ? Integer.parseInt(a.get(1)) : 20);
            default -> {
                add(client, a);
                try (Worker w = worker(client)) {
                    awaitEmpty(client);
                }
                totals(client, 20);
            }
        }
    }

    /** The work of one task: the text's word counts, as "word count" lines. */
    static String count(String text) {
        Map<String, Integer> counts = new HashMap<>();
        for (String w : WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (!w.isBlank()) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((w, n) -> out.append(w).append(' ').append(n).append('\n'));
        return out.toString();
    }

    static Worker worker(PullQueueClient client) {
        int concurrency = Integer.parseInt(System.getenv().getOrDefault("WORKER_CONCURRENCY", "8"));
        return Worker.builder(client, TEXTS)
                .concurrency(1, concurrency)
                .lease(Duration.ofSeconds(60))
                // close() lets a lease call in progress finish (what it brings is given back at once): a short
                // long poll keeps a stop short when the queue is empty
                .pollWait(Duration.ofSeconds(5))
                .handler(task -> {
                    // Named after the text task: if this task is handled twice (a worker died before its delete),
                    // the second add is refused as TASK_ALREADY_EXISTS and the totals count each text once.
                    client.add(COUNTS, NewTask.of(count(task.text())).withName("count-" + task.name()));
                })
                .start();
    }

    private static void work(PullQueueClient client) throws InterruptedException {
        Worker w = worker(client);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            w.close(); // stop leasing, finish or give back what is held
            stopped.countDown();
        }));
        stopped.await();
    }

    private static void add(PullQueueClient client, List<String> files) throws IOException, InterruptedException {
        List<NewTask> tasks = new ArrayList<>();
        for (String f : files) {
            for (String paragraph : Files.readString(Path.of(f)).split("\\n\\s*\\n")) {
                if (!paragraph.isBlank()) {
                    tasks.add(NewTask.of(paragraph));
                }
            }
        }
        client.add(TEXTS, tasks);
        System.out.println("added " + tasks.size() + " text task(s) to " + TEXTS);
    }

    private static void awaitEmpty(PullQueueClient client) throws InterruptedException {
        while (client.statistics(TEXTS).tasks() > 0) {
            Thread.sleep(200);
        }
    }

    private static void totals(PullQueueClient client, int top) throws InterruptedException {
        Map<String, Long> totals = new HashMap<>();
        int merged = 0;
        List<LeasedTask> batch;
        while (!(batch = client.lease(COUNTS, LeaseOptions.of(1000, Duration.ofSeconds(60)))).isEmpty()) {
            for (LeasedTask t : batch) {
                for (String line : t.text().split("\n")) {
                    int space = line.lastIndexOf(' ');
                    if (space > 0) {
                        totals.merge(line.substring(0, space), Long.parseLong(line.substring(space + 1)), Long::sum);
                    }
                }
            }
            client.delete(COUNTS, batch.stream().map(LeasedTask::name).toList());
            merged += batch.size();
        }
        System.out.println("merged " + merged + " count task(s); most frequent words:");
        totals.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(e -> System.out.printf("%8d  %s%n", e.getValue(), e.getKey()));
    }
}
