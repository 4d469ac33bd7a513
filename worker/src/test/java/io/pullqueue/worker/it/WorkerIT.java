package io.pullqueue.worker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.worker.Backlog;
import io.pullqueue.worker.Backoff;
import io.pullqueue.worker.Credentials;
import io.pullqueue.worker.DeleteResult;
import io.pullqueue.worker.LeaseOptions;
import io.pullqueue.worker.LeaseRenewal;
import io.pullqueue.worker.LeaseResult;
import io.pullqueue.worker.LeasedTask;
import io.pullqueue.worker.NewTask;
import io.pullqueue.worker.PermanentException;
import io.pullqueue.worker.PullQueueClient;
import io.pullqueue.worker.QueueStatistics;
import io.pullqueue.worker.Worker;
import io.pullqueue.worker.WorkerMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The client and the worker loop against a real pullqueue server that the test starts, kills and restarts. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerIT {

    private static final String QUEUES = List.of("client", "compact", "killed", "slow", "failing", "batches", "adaptive",
            "shutdown", "restart").stream()
            .map(q -> "- name: " + q + "\n  mode: pull\n  lease_requests_per_second: 0\n")
            .collect(Collectors.joining("", "queue:\n", ""));

    /**
     * The server asks every caller for an API key (it has a key file): the tests' client sends this one, and the
     * killed worker's process gets it through {@code PULLQUEUE_API_KEY}.
     */
    private static final String KEY = "worker-it-key-0123456789";

    private static TestServer server;
    private static PullQueueClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start("worker-it", QUEUES, KEY + " worker-it@example.com admin\n");
        client = PullQueueClient.builder(server.baseUrl()).apiKey(KEY).build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theClientAddsLeasesExtendsGivesBackAndDeletes() throws Exception {
        assertTrue(client.add("client", List.of(NewTask.of("a").withName("c-1").withTag("t"), NewTask.of("b")))
                .stream().allMatch(r -> r.added()));
        assertEquals("TASK_ALREADY_EXISTS", client.add("client", NewTask.of("a").withName("c-1")).status());

        List<LeasedTask> leased = client.lease("client", LeaseOptions.of(10, Duration.ofSeconds(30)).withTag("t"));
        assertEquals(List.of("c-1"), leased.stream().map(LeasedTask::name).toList());
        LeasedTask t = leased.get(0);
        assertEquals("a", t.text());
        assertEquals(1, t.retryCount());

        LeaseRenewal longer = client.modifyLease("client", t.name(), t.leaseToken(), Duration.ofSeconds(60));
        assertTrue(longer.leaseExpiry().isAfter(t.leaseExpiry()));
        PermanentException stale = assertThrows(PermanentException.class,
                () -> client.modifyLease("client", t.name(), t.leaseToken(), Duration.ZERO));
        assertTrue(stale.is("TASK_LEASE_EXPIRED"), stale.getMessage());
        assertEquals(409, stale.status());
        client.modifyLease("client", t.name(), longer.leaseToken(), Duration.ZERO);

        QueueStatistics stats = client.statistics("client");
        assertEquals(2, stats.tasks());
        assertEquals(2, stats.due());
        List<LeasedTask> both = client.lease("client", LeaseOptions.of(10, Duration.ofSeconds(30)));
        assertEquals(2, both.size());
        assertTrue(client.delete("client", both.stream().map(LeasedTask::name).toList()).stream()
                .allMatch(r -> "OK".equals(r.status())));
        assertEquals("TOMBSTONED_TASK", client.delete("client", List.of("c-1")).get(0).status());

        // One call deletes the finished batch and leases the next.
        client.add("client", List.of(NewTask.of("d").withName("c-2"), NewTask.of("e").withName("c-3")));
        LeasedTask first = client.lease("client", LeaseOptions.of(1, Duration.ofSeconds(30))).get(0);
        LeaseResult next = client.lease("client", LeaseOptions.of(10, Duration.ofSeconds(30)),
                List.of(first.name(), "c-1"));
        assertEquals(List.of(new DeleteResult(first.name(), "OK"), new DeleteResult("c-1", "TOMBSTONED_TASK")),
                next.deleted());
        assertEquals(1, next.tasks().size());
        assertTrue(!next.tasks().get(0).name().equals(first.name()), "the deleted task is not leased again");
        assertTrue(client.delete("client", List.of(next.tasks().get(0).name())).get(0).gone());
        await("the backlog shows the empty queue", () -> backlog("client").due() == 0, 30);

        PermanentException unknown = assertThrows(PermanentException.class, () -> client.statistics("nope"));
        assertTrue(unknown.is("UNKNOWN_QUEUE"), unknown.getMessage());
        PermanentException bad = assertThrows(PermanentException.class,
                () -> client.lease("client", LeaseOptions.of(1, Duration.ofDays(8))));
        assertEquals("leaseSeconds", bad.field());
    }

    /**
     * The server answers the client's leases in the compact form (the Accept the client sends, docs/workers.md), and
     * every byte of a payload comes back through it, with leases and deletes that work.
     */
    @Test
    void leasesComeInTheCompactAnswerWithEveryPayloadByte() throws Exception {
        byte[] bytes = {(byte) 0xff, 0, (byte) 0xc3, 0x28, (byte) 0x80, '"', '\\'};
        client.add("compact", List.of(NewTask.of(bytes).withName("k-1"), NewTask.of(new byte[0]).withName("k-2")));
        HttpResponse<byte[]> raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/queues/compact/tasks:lease"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/vnd.pullqueue.leased, application/json;q=0.5")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"maxTasks\":2,\"leaseSeconds\":0}"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, raw.statusCode());
        assertEquals("application/vnd.pullqueue.leased", raw.headers().firstValue("Content-Type").orElse(""));

        List<LeasedTask> leased = client.lease("compact", LeaseOptions.of(10, Duration.ofSeconds(30)));
        assertEquals(List.of("k-1", "k-2"), leased.stream().map(LeasedTask::name).toList());
        assertArrayEquals(bytes, leased.get(0).payload());
        assertArrayEquals(new byte[0], leased.get(1).payload());
        assertEquals(2, leased.get(0).retryCount(), "leased by the raw call, then by the client");
        LeaseRenewal renewed = client.modifyLease("compact", "k-1", leased.get(0).leaseToken(), Duration.ofSeconds(60));
        LeaseResult last = client.lease("compact", LeaseOptions.of(10, Duration.ofSeconds(30)), List.of("k-1", "k-2"));
        assertEquals(List.of(new DeleteResult("k-1", "OK"), new DeleteResult("k-2", "OK")), last.deleted());
        assertTrue(last.tasks().isEmpty());
        assertTrue(renewed.leaseExpiry().isAfter(leased.get(0).leaseExpiry()));
    }

    @Test
    void withoutTheKeyOrWithAnUnknownOneTheCallIsAPermanent401() {
        for (Credentials wrong : List.of(Credentials.NONE, Credentials.bearer("not-a-key-0123456789"))) {
            PullQueueClient stranger = PullQueueClient.builder(server.baseUrl()).credentials(wrong).build();
            PermanentException e = assertThrows(PermanentException.class,
                    () -> stranger.lease("client", LeaseOptions.of(1, Duration.ofSeconds(30))));
            assertEquals(401, e.status());
            assertTrue(e.is("UNAUTHENTICATED"), e.getMessage());
        }
    }

    @Test
    @Order(2)
    void aKilledWorkersTaskComesBackAfterItsLease() throws Exception {
        client.add("killed", NewTask.of("k").withName("k-1"));
        ProcessBuilder killable = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), KillableWorker.class.getName(),
                server.baseUrl(), "killed", "3").redirectErrorStream(true);
        killable.environment().put(PullQueueClient.API_KEY_VARIABLE, KEY);
        Process child = killable.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("HANDLING ")) {
                // the worker's log lines
            }
            assertTrue(line != null && line.startsWith("HANDLING k-1 "), "the child worker took the task: " + line);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), client.lease("killed", LeaseOptions.of(1, Duration.ofSeconds(30))),
                "still held under the dead worker's lease");
        List<LeasedTask> back = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (back.isEmpty() && System.nanoTime() < deadline) {
            back = client.lease("killed", LeaseOptions.of(1, Duration.ofSeconds(30)).withWait(Duration.ofSeconds(5)));
        }
        assertEquals(1, back.size(), "the task came back once the lease ran out");
        assertEquals("k-1", back.get(0).name());
        assertEquals(2, back.get(0).retryCount());
        client.delete("killed", List.of("k-1"));
    }

    /** One handling of a task: which worker, which lease count, when (ns). */
    record Handling(String worker, String task, int retryCount, long start, long end) {
    }

    @Test
    @Order(3)
    void aSlowHandlersLeaseIsRenewedAndNoOtherWorkerGetsItsTask() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        WorkerMetrics counting = new WorkerMetrics() {
            @Override
            public void renewed(String queue) {
                renewals.incrementAndGet();
            }
        };
        Queue<Handling> history = new ConcurrentLinkedQueue<>();
        List<Worker> workers = new ArrayList<>();
        for (String id : List.of("A", "B")) {
            workers.add(Worker.builder(client, "slow").lease(Duration.ofSeconds(4)).concurrency(2)
                    .pollWait(Duration.ofSeconds(1)).metrics(counting).handler(task -> {
                        long start = System.nanoTime();
                        if (task.name().equals("slow-0")) {
                            // hold it through at least three renewals: past the 4 s lease
                            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                            while (renewals.get() < 3 && System.nanoTime() < until) {
                                TimeUnit.MILLISECONDS.sleep(20);
                            }
                        }
                        history.add(new Handling(id, task.name(), task.retryCount(), start, System.nanoTime()));
                    }).start());
        }
        try {
            client.add("slow", IntStream.range(0, 8).mapToObj(i -> NewTask.of("s").withName("slow-" + i)).toList());
            await("every task done and deleted", () -> history.size() >= 8 && stats("slow").tasks() == 0, 90);
        } finally {
            for (Worker w : workers) {
                w.close();
            }
        }
        assertTrue(renewals.get() >= 3, "renewed " + renewals.get() + " times");
        Map<String, List<Handling>> byTask = history.stream().collect(Collectors.groupingBy(Handling::task));
        assertEquals(8, byTask.size(), history.toString());
        for (List<Handling> hs : byTask.values()) {
            assertEquals(1, hs.size(), "handled once: " + hs);
            assertEquals(1, hs.get(0).retryCount(), "leased once: " + hs);
        }
        Handling slow = byTask.get("slow-0").get(0);
        assertTrue(slow.end() - slow.start() > TimeUnit.SECONDS.toNanos(4), "held past its first lease: " + slow);
    }

    @Test
    @Order(4)
    void aFailedTaskIsGivenBackAndLeasedAgainAfterTheBackoff() throws Exception {
        Queue<Handling> history = new ConcurrentLinkedQueue<>();
        Worker w = Worker.builder(client, "failing").lease(Duration.ofSeconds(30)).concurrency(1)
                .pollWait(Duration.ofSeconds(1))
                .failureBackoff(new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 2))
                .handler(task -> {
                    history.add(new Handling("W", task.name(), task.retryCount(), System.nanoTime(), System.nanoTime()));
                    if (task.retryCount() == 1) {
                        throw new IllegalStateException("first attempt fails");
                    }
                }).start();
        try {
            client.add("failing", NewTask.of("f").withName("f-1"));
            await("done on the second lease", () -> history.size() >= 2 && stats("failing").tasks() == 0, 60);
        } finally {
            w.close();
        }
        List<Handling> hs = List.copyOf(history);
        assertEquals(List.of(1, 2), hs.stream().map(Handling::retryCount).toList());
        long hidden = hs.get(1).start() - hs.get(0).end();
        assertTrue(hidden >= TimeUnit.MILLISECONDS.toNanos(900), "hidden for the backoff (1-2 s), was "
                + hidden / 1_000_000 + " ms");
        assertTrue(hidden < TimeUnit.SECONDS.toNanos(25), "given back, not left to its 30 s lease");
    }

    @Test
    @Order(5)
    void tagBatchesAreHandledTogether() throws Exception {
        Queue<List<String>> batches = new ConcurrentLinkedQueue<>();
        Queue<String> tags = new ConcurrentLinkedQueue<>();
        client.add("batches", List.of(NewTask.of("1").withTag("x"), NewTask.of("2").withTag("y"),
                NewTask.of("3").withTag("x"), NewTask.of("4").withTag("y"), NewTask.of("5").withTag("x")));
        Worker w = Worker.builder(client, "batches").concurrency(1).pollWait(Duration.ofSeconds(1))
                .batchHandler(ts -> {
                    batches.add(ts.stream().map(LeasedTask::text).toList());
                    tags.add(ts.stream().map(LeasedTask::tag).distinct().collect(Collectors.joining(",")));
                }, 10).start();
        try {
            await("both tags done", () -> stats("batches").tasks() == 0, 60);
        } finally {
            w.close();
        }
        assertEquals(List.of(List.of("1", "3", "5"), List.of("2", "4")), List.copyOf(batches));
        assertEquals(List.of("x", "y"), List.copyOf(tags));
    }

    @Test
    @Order(6)
    void concurrencyGrowsWithTheBacklogAndShrinksWhenLeasesComeBackEmpty() throws Exception {
        AtomicInteger highest = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        WorkerMetrics limits = new WorkerMetrics() {
            @Override
            public void concurrency(String queue, int limit) {
                highest.accumulateAndGet(limit, Math::max);
            }
        };
        client.add("adaptive", IntStream.range(0, 300).mapToObj(i -> NewTask.of("a" + i)).toList());
        CountDownLatch started = new CountDownLatch(1);
        Worker w = Worker.builder(client, "adaptive").concurrency(1, 8).pollWait(Duration.ofSeconds(1))
                .backlogInterval(Duration.ofMillis(500)).metrics(limits).handler(task -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    started.countDown();
                    TimeUnit.MILLISECONDS.sleep(30); // work that takes time, so that handlers overlap
                    running.decrementAndGet();
                }).start();
        try {
            await("the backlog drained", () -> stats("adaptive").tasks() == 0, 120);
            assertTrue(highest.get() >= 4, "the limit grew with the backlog, to " + highest.get());
            assertTrue(mostRunning.get() > 1, "handlers ran side by side: at most " + mostRunning.get());
            assertTrue(mostRunning.get() <= 8, "never more than the maximum: " + mostRunning.get());
            await("the limit came back down on empty leases", () -> w.concurrencyLimit() == 1, 30);
        } finally {
            w.close();
        }
    }

    @Test
    @Order(7)
    void shutdownGivesBackWhatItHoldsAtOnce() throws Exception {
        client.add("shutdown", IntStream.range(0, 3).mapToObj(i -> NewTask.of("h").withName("h-" + i)).toList());
        Worker w = Worker.builder(client, "shutdown").lease(Duration.ofSeconds(300)).concurrency(3)
                .pollWait(Duration.ofSeconds(1)).shutdownGrace(Duration.ofMillis(500))
                .handler(task -> Thread.sleep(Long.MAX_VALUE)).start();
        await("all three held", () -> w.busy() == 3, 30);
        w.close();
        List<LeasedTask> again = client.lease("shutdown", LeaseOptions.of(10, Duration.ofSeconds(30)));
        assertEquals(Set.of("h-0", "h-1", "h-2"), again.stream().map(LeasedTask::name).collect(Collectors.toSet()),
                "leasable right after close(), not 300 s later");
        assertTrue(again.stream().allMatch(t -> t.retryCount() == 2));
        client.delete("shutdown", again.stream().map(LeasedTask::name).toList());
    }

    @Test
    @Order(8)
    void theWorkerCarriesOnAcrossAServerRestart() throws Exception {
        Set<String> done = ConcurrentHashMap.newKeySet();
        Worker w = Worker.builder(client, "restart").concurrency(2).pollWait(Duration.ofSeconds(2))
                .errorBackoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2))
                .handler(task -> done.add(task.name())).start();
        try {
            client.add("restart", names("before", 20));
            await("the first tasks done", () -> done.size() == 20 && stats("restart").tasks() == 0, 60);
            server.restart();
            client.add("restart", names("after", 20));
            await("the tasks added after the restart done", () -> done.size() == 40
                    && stats("restart").tasks() == 0, 120);
        } finally {
            w.close();
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(done.contains("before-" + i) && done.contains("after-" + i), done.toString());
        }
    }

    private static List<NewTask> names(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> NewTask.of(prefix).withName(prefix + "-" + i)).toList();
    }

    private static QueueStatistics stats(String queue) {
        try {
            return client.statistics(queue);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Backlog backlog(String queue) {
        try {
            return client.backlog(queue);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls a condition until it holds; fails after {@code seconds}. */
    private static void await(String what, BooleanSupplier ok, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what + " (at " + Instant.now() + ")");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
