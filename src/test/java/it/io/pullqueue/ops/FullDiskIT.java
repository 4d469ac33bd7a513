package it.io.pullqueue.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.store.sqlite.SmallDisk;
import it.io.pullqueue.Http;
import it.io.pullqueue.JarServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The WAR on a real Liberty whose data directory is an 8 MiB tmpfs (mounted by this test; skipped when mounting is
 * impossible): adds fill it until they are refused with 507 STORAGE_FULL; readiness stays UP and says FULL; leases,
 * lease changes and deletes go on, also when something else fills the disk to the last byte; adds resume by
 * themselves when room returns. After a restart: nothing acknowledged is missing and nothing refused is stored.
 * Runs its own server (the runnable JAR), in the SQLite pass only: on PostgreSQL a full
 * disk is the database server's (docs/operations.md).
 *
 * <p>Its client speaks HTTP/1.1 only: the shared {@link Http} client offers an h2c upgrade on each new connection,
 * and with that one POST of the fill phase once waited past its timeout on a loaded machine (never seen with an
 * HTTP/1.1 client). Every call is bounded; a call that times out fails the test with a thread dump of the server.
 *
 * <p>It found a bug once in five runs: a lease change on the disk the adds had filled answered 507 STORAGE_FULL.
 * The reserve was given up once, and the write-ahead log then grew past it; the store now also truncates the log
 * when a lease or delete meets a full disk (SqliteFullDiskTest reproduces it deterministically).
 */
@DisabledIfSystemProperty(
        named = "pullqueue.it.store",
        matches = "postgres",
        disabledReason = "full disk is tested on the embedded store; PostgreSQL's disk is the database server's")
class FullDiskIT {
    private static final String Q = "pull-queue";
    private static final int CLIENTS = 4;
    /** Per call; far above what any call takes, far below the test's bound. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static SmallDisk disk;
    /** Bounded, and generous: on a machine shared by several builds a start has taken over 3 minutes. */
    private static final Duration STARTUP = Duration.ofMinutes(10);

    private static JarServer server;
    private static Path work;
    private static String base;

    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Set<String> ackedTags = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedTags = ConcurrentHashMap.newKeySet();
    private final List<String> unexpected = new ArrayList<>();

    @BeforeAll
    static void startServerOnSmallDisk() throws Exception {
        disk = SmallDisk.mount("8m");
        work = Files.createTempDirectory("pullqueue-full-disk-it");
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "PULLQUEUE_DATA_DIR",
                disk.dir.toString(),
                "PULLQUEUE_STORAGE_MIN_FREE_BYTES",
                "1048576",
                "PULLQUEUE_STORAGE_RESERVE_BYTES",
                "1048576"));
        String queues = System.getProperty("pullqueue.it.queue.config");
        if (queues != null) {
            env.put("PULLQUEUE_QUEUE_CONFIG", queues);
        }
        server = new JarServer(work, env);
        base = server.base();
        server.start(STARTUP);
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            if (disk != null) {
                disk.close();
            }
            if (work != null) {
                try (var files = Files.walk(work)) {
                    for (Path p :
                            files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    @Test
    void fullDiskRefusesAddsHonestlyKeepsLeasesAndDeletesAndRecovers() throws Exception {
        // 1. Fill: eight clients add batches of ten (named, or unnamed with a tag per batch) until refused.
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int client = t;
            clients.add(pool.submit(() -> {
                Random random = new Random(client);
                for (int b = 0, refusedInARow = 0; refusedInARow < 3; b++) {
                    refusedInARow = addBatch(random, "c" + client + "-b" + b, client % 2 == 0) ? 0 : refusedInARow + 1;
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(List.of(), unexpected, "every add answered 200 or 507 STORAGE_FULL");
        assertTrue(
                acked.size() + ackedTags.size() > 0 && refused.size() + refusedTags.size() > 0,
                "some adds went in, later ones were refused");
        JsonObject store = storeCheck();
        assertEquals("FULL", store.getJsonObject("data").getString("storage"), store.toString());
        // Refused adds stored nothing, acknowledged ones are all there (checked again after the restart).
        assertStoredExactly("while full");
        int countWhileFull = listAll().size();
        Http.Resp refusedNamed = add(List.of(task("refused-while-full", new byte[400_000], null)));
        assertEquals(507, refusedNamed.status(), refusedNamed.body());
        assertEquals("STORAGE_FULL", refusedNamed.reason());
        refused.add("refused-while-full");
        assertEquals(countWhileFull, listAll().size(), "a refused add stored nothing");

        // 2. Leases, a lease change and deletes while adds are refused: drain half of the queue.
        drain(acked.size() / 2);

        // 3. Something else fills the disk to the last byte: leases and deletes go on (on the reserve).
        Path filler = disk.fill();
        Http.Resp afterFiller = add(List.of(task("after-filler", null, null)));
        assertEquals(507, afterFiller.status(), "adds are refused: " + afterFiller.body());
        refused.add("after-filler");
        JsonObject filled = storeCheck();
        assertEquals("FULL", filled.getJsonObject("data").getString("storage"), filled.toString());
        // (The deletes free pages the database reuses, so the store may say OK again after them: by design.)
        drain(20);

        // 4. Room returns: adds resume by themselves.
        Files.delete(filler);
        Instant deadline = Instant.now().plusSeconds(30);
        Http.Resp r;
        while ((r = add(List.of(task("recovered", null, null)))).status() != 200) {
            assertTrue(Instant.now().isBefore(deadline), "adds did not resume: " + r.body());
            assertEquals(507, r.status(), r.body());
            // Polled with a deadline: each refused call is one round trip, no sleep.
        }
        acked.add("recovered");
        assertEquals("OK", storeCheck().getJsonObject("data").getString("storage"));
        assertStoredExactly("after room returned");

        // 5. After a restart: 0 acknowledged-but-missing, 0 refused-but-stored.
        server.stop();
        server.start(STARTUP);
        assertStoredExactly("after a restart");
    }

    /** Everything acknowledged is listed and nothing refused is, over HTTP, now. */
    private void assertStoredExactly(String when) {
        Map<String, String> stored = listAll();
        Set<String> tags = new HashSet<>(stored.values());
        Set<String> missing = minus(acked, stored.keySet());
        Set<String> refusedStored = minus(refused, minus(refused, stored.keySet()));
        Set<String> missingTags = minus(ackedTags, tags);
        Set<String> refusedTagsStored = minus(refusedTags, minus(refusedTags, tags));
        System.out.printf(
                "full disk over HTTP, %s: acknowledged %d named tasks + %d unnamed batches, refused %d named tasks "
                        + "+ %d unnamed batches; acknowledged-but-missing %d, refused-but-stored %d%n",
                when,
                acked.size(),
                ackedTags.size(),
                refused.size(),
                refusedTags.size(),
                missing.size() + missingTags.size(),
                refusedStored.size() + refusedTagsStored.size());
        assertEquals(Set.of(), missing, "acknowledged but missing " + when);
        assertEquals(Set.of(), missingTags, "acknowledged unnamed batches missing " + when);
        assertEquals(Set.of(), refusedStored, "refused but stored " + when);
        assertEquals(Set.of(), refusedTagsStored, "refused unnamed batches stored " + when);
    }

    /** The elements of {@code a} not in {@code b}. */
    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> rest = new HashSet<>(a);
        rest.removeAll(b);
        return rest;
    }

    /** One batch of ten; true when acknowledged. */
    private boolean addBatch(Random random, String id, boolean named) {
        List<JsonObject> tasks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] payload = new byte[random.nextInt(30_000)];
            random.nextBytes(payload);
            String name = named ? id + "-" + i : null;
            names.add(name);
            tasks.add(task(name, payload, named ? null : id));
        }
        Http.Resp r = add(tasks);
        if (r.status() == 200
                && r.json().getJsonArray("results").stream()
                        .allMatch(v -> "OK".equals(v.asJsonObject().getString("status")))) {
            if (named) {
                acked.addAll(names);
            } else {
                ackedTags.add(id);
            }
            return true;
        }
        if (r.status() == 507 && "STORAGE_FULL".equals(r.reason())) {
            if (named) {
                refused.addAll(names);
            } else {
                refusedTags.add(id);
            }
        } else {
            synchronized (unexpected) {
                unexpected.add(r.status() + " " + r.body());
            }
        }
        return false;
    }

    private static JsonObject task(String name, Object payload, String tag) {
        byte[] bytes = payload instanceof byte[] b ? b : new byte[] {1};
        var t = Json.createObjectBuilder().add("payload", Base64.getEncoder().encodeToString(bytes));
        if (name != null) {
            t.add("name", name);
        }
        if (tag != null) {
            t.add("tag", tag);
        }
        return t.build();
    }

    private static Http.Resp add(List<JsonObject> tasks) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        tasks.forEach(a::add);
        return post(
                "/api/v1/queues/" + Q + "/tasks:batchAdd",
                Json.createObjectBuilder().add("tasks", a).build());
    }

    /** Leases up to {@code count} tasks, extends one lease, deletes them: every call must succeed. */
    private void drain(int count) {
        Http.Resp lease = post(
                "/api/v1/queues/" + Q + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", Math.max(1, Math.min(count, 1000)))
                        .add("leaseSeconds", 300)
                        .build());
        assertEquals(200, lease.status(), "lease: " + lease.body());
        List<JsonObject> leased = lease.json().getJsonArray("tasks").getValuesAs(JsonObject.class);
        assertTrue(!leased.isEmpty(), "something to lease");
        JsonObject first = leased.get(0);
        Http.Resp modify = post(
                "/api/v1/queues/" + Q + "/tasks/" + first.getString("name") + ":modifyLease",
                Json.createObjectBuilder()
                        .add("leaseToken", first.getString("leaseToken"))
                        .add("leaseSeconds", 600)
                        .build());
        assertEquals(200, modify.status(), "modifyLease: " + modify.body());
        JsonArrayBuilder names = Json.createArrayBuilder();
        leased.forEach(t -> names.add(t.getString("name")));
        Http.Resp delete = post(
                "/api/v1/queues/" + Q + "/tasks:batchDelete",
                Json.createObjectBuilder().add("names", names).build());
        assertEquals(200, delete.status(), "batchDelete: " + delete.body());
        for (JsonObject t : leased) {
            acked.remove(t.getString("name"));
            ackedTags.remove(t.getString("tag", ""));
        }
    }

    /** Every stored task: name → tag ("" when untagged). */
    private static Map<String, String> listAll() {
        Map<String, String> all = new java.util.HashMap<>();
        String token = null;
        do {
            Http.Resp r =
                    get("/api/v1/queues/" + Q + "/tasks?pageSize=1000" + (token == null ? "" : "&pageToken=" + token));
            assertEquals(200, r.status(), r.body());
            JsonObject page = r.json();
            page.getJsonArray("tasks")
                    .getValuesAs(JsonObject.class)
                    .forEach(t -> all.put(t.getString("name"), t.getString("tag", "")));
            JsonValue next = page.get("nextPageToken");
            token = next == null || next == JsonValue.NULL ? null : page.getString("nextPageToken");
        } while (token != null);
        return all;
    }

    private static JsonObject storeCheck() {
        Http.Resp r = get("/health/ready");
        assertEquals(200, r.status(), "readiness stays UP while storage is full: " + r.body());
        return r.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> "store".equals(c.getString("name")))
                .findFirst()
                .orElseThrow();
    }

    private static Http.Resp get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private static Http.Resp post(String path, Object json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(json))));
    }

    private static Http.Resp send(HttpRequest.Builder b) {
        HttpRequest request = b.timeout(CALL_TIMEOUT).build();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Http.Resp(r.statusCode(), r.body(), r.headers());
        } catch (HttpTimeoutException e) {
            throw new AssertionError(
                    request.method() + " " + request.uri() + " got no answer within " + CALL_TIMEOUT
                            + "; the server's threads then:\n" + server.threadDump(),
                    e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
