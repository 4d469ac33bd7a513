package it.io.pullqueue.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Drives one door with generated requests (valid ones, mutated ones, malformed ones) and checks three properties
 * on every answer: no 5xx, every error in the door's own shape with no leak, and no data change from a rejected
 * call. The last one is checked on the queue as a whole at the end: the server must store exactly the tasks whose
 * adds it acknowledged minus those whose deletes it acknowledged, each leased exactly as often as acknowledged
 * leases returned it.
 *
 * <p>The seed is printed; {@code -Dpullqueue.fuzz.seed=N} replays a run, and case {@code i} of a run is generated
 * from {@code Random(seed + i)} alone, so a failing case can be replayed by itself. Cases that ever failed are kept
 * in each door's test as regression cases.
 */
abstract class Fuzzer {
    static final int THREADS = 4;

    /**
     * One generated request: what it was generated as ({@code op}), the task name it targets by path (if any),
     * and a text that shows it in a failure report.
     */
    record Case(HttpRequest request, String op, String target, String shown) {}

    final long seed = Long.getLong("pullqueue.fuzz.seed", System.nanoTime());
    final String runId = Long.toString(Math.abs(seed % 1_000_000), 36);
    /** Names whose adds were acknowledged, whose deletes were, and how many acknowledged leases returned each. */
    final Set<String> added = ConcurrentHashMap.newKeySet();

    final Set<String> deleted = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> leases = new ConcurrentHashMap<>();
    /** Names whose fate the fuzzer cannot foresee (a retry limit may remove them): not checked at the end. */
    final Set<String> exempt = ConcurrentHashMap.newKeySet();

    /** Case {@code i}, generated from {@code r} alone. */
    abstract Case generate(Random r, int i);

    /**
     * Checks one answer: null when it holds the properties, else what is wrong. Records what an acknowledged call
     * changed.
     */
    abstract String check(Case c, HttpResponse<byte[]> resp);

    /** What the queue stores now: name to lease count. */
    abstract Map<String, Integer> stored();

    /** What the queue stores now, through the native API: name to lease count. */
    static Map<String, Integer> stored(String queue) {
        Map<String, Integer> m = new java.util.HashMap<>();
        String token = null;
        do {
            jakarta.json.JsonObject page = Http.get("/api/v1/queues/" + queue + "/tasks?pageSize=1000"
                            + (token == null ? "" : "&pageToken=" + token))
                    .json();
            for (jakarta.json.JsonValue v : page.getJsonArray("tasks")) {
                m.put(v.asJsonObject().getString("name"), v.asJsonObject().getInt("retryCount"));
            }
            token = page.containsKey("nextPageToken") ? page.getString("nextPageToken") : null;
        } while (token != null);
        return m;
    }

    void leased(String name) {
        leases.merge(name, 1, Integer::sum);
    }

    /** HTTP/1.1, as the doors' own clients speak it (no h2c upgrade on the first request of a connection). */
    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    static HttpResponse<byte[]> send(Case c) throws Exception {
        return CLIENT.send(c.request(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The common checks of a 2xx from a JSON door: an OPTIONS or HEAD answer has no JSON; a 204 is an acknowledged
     * DELETE of the case's target. Returns null when the answer needs no more checking (recording what a 204
     * deleted), "json" when the caller should read the JSON body, or what is wrong.
     */
    String success(Case c, int status) {
        String method = c.request().method();
        if (method.equals("OPTIONS") || method.equals("HEAD")) {
            return null;
        }
        if (status == 204) {
            if (!method.equals("DELETE") || c.target() == null) {
                return "204 for " + method + " " + c.op();
            }
            deleted.add(c.target());
            return null;
        }
        return method.equals("POST") ? "json" : null;
    }

    /**
     * The verdict on a 4xx or 5xx from a JSON door: null when it is not a 5xx, leaks nothing and its {@code error}
     * object holds {@code shaped}; else what is wrong ({@code shape} names the door's error shape).
     */
    static String jsonError(int status, String body, Predicate<JsonObject> shaped, String shape) {
        if (status >= 500) {
            return "HTTP " + status + " " + body;
        }
        String leak = Leaks.find(body);
        if (leak != null) {
            return "leaks " + leak + ": " + body;
        }
        JsonObject o = jsonObject(body);
        try {
            if (o == null || !shaped.test(o.getJsonObject("error"))) {
                return "not " + shape + ": " + (o == null ? "HTTP " + status + " " : "") + body;
            }
        } catch (RuntimeException e) {
            return "not " + shape + ": HTTP " + status + " " + body;
        }
        return null;
    }

    /** The body as a JSON object, or null when it is not one. */
    static JsonObject jsonObject(String body) {
        try {
            return Json.createReader(new StringReader(body)).readObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(Http.uri(path)).timeout(Duration.ofSeconds(60));
    }

    /** Runs the given regression cases, then {@code cases} generated ones, and checks the stored data. */
    void run(String door, List<Case> regressions, int cases) throws Exception {
        System.out.println("fuzz " + door + ": seed " + seed + " (replay with -Dpullqueue.fuzz.seed=" + seed + ")");
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        for (Case c : regressions) {
            String f = check(c, send(c));
            if (f != null) {
                failures.add("regression case " + c.shown() + ": " + f);
            }
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger fives = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < cases && failures.size() < 20; ) {
                        Case c = generate(new Random(seed + i), i);
                        try {
                            HttpResponse<byte[]> resp = send(c);
                            if (resp.statusCode() >= 500) {
                                fives.incrementAndGet();
                            }
                            String f = check(c, resp);
                            if (f != null) {
                                failures.add("case " + i + " " + c.shown() + ": " + f);
                            }
                        } catch (Exception e) {
                            failures.add("case " + i + " " + c.shown() + ": no answer: " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> now = stored();
        for (String n : added) {
            if (exempt.contains(n)) {
                continue;
            }
            if (!deleted.contains(n) && !now.containsKey(n)) {
                failures.add("task " + n + ": its add was acknowledged, it was never deleted, and it is missing");
            }
        }
        for (Map.Entry<String, Integer> e : now.entrySet()) {
            String n = e.getKey();
            if (exempt.contains(n)) {
                continue;
            }
            if (!added.contains(n)) {
                failures.add("task " + n + " is stored though no add of it was acknowledged");
            } else if (deleted.contains(n)) {
                failures.add("task " + n + " is stored though its delete was acknowledged");
            } else if (!e.getValue().equals(leases.getOrDefault(n, 0))) {
                failures.add("task " + n + " was leased " + e.getValue() + " times; acknowledged leases returned it "
                        + leases.getOrDefault(n, 0) + " times");
            }
        }
        System.out.printf(
                "fuzz %s: %d cases (+%d regression cases) in %.1f s, %d with 5xx, %d failures; %d tasks "
                        + "added, %d deleted, %d stored%n",
                door,
                Math.min(next.get(), cases),
                regressions.size(),
                (System.nanoTime() - t0) / 1e9,
                fives.get(),
                failures.size(),
                added.size(),
                deleted.size(),
                now.size());
        assertTrue(failures.isEmpty(), () -> "seed " + seed + ":\n" + String.join("\n", failures));
        assertEquals(cases, Math.min(next.get(), cases));
    }

    // ---- shared generators ----

    /** A random string for a name, tag or id: usually plausible, sometimes hostile. */
    static String text(Random r) {
        switch (r.nextInt(10)) {
            case 0:
                return "";
            case 1:
                return "x".repeat(r.nextInt(1200));
            case 2:
                return "\ud800";
            case 3:
                return "é€\uD83D\uDE00 \t\n\"\\/";
            case 4:
                return "\u0000\u001f";
            case 5: {
                StringBuilder s = new StringBuilder();
                for (int i = r.nextInt(20); i > 0; i--) {
                    s.append((char) r.nextInt(0x3000));
                }
                return s.toString();
            }
            default:
                return "t" + r.nextInt(5);
        }
    }

    /** Percent-encodes {@code s} for a path segment or query value (every non-alphanumeric byte escaped). */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return b.toString();
    }

    /** The name a {@link #segment(Random)} stands for. */
    static String decoded(String segment) {
        return java.net.URLDecoder.decode(segment, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A path segment to replace a name with: encoded text, but never a control character or a malformed escape,
     * which Liberty refuses before the application (see HostileInputIT).
     */
    static String segment(Random r) {
        String t = text(r);
        StringBuilder clean = new StringBuilder();
        t.codePoints()
                .filter(cp -> cp >= 0x20 && cp != 0x7f && (cp < 0xd800 || cp > 0xdfff))
                .forEach(clean::appendCodePoint);
        String s = encode(clean.toString());
        return s.isEmpty() ? "%2e" : s;
    }

    /** Byte-level damage to a body: truncate, flip, insert, append, or make it invalid UTF-8. */
    static byte[] damage(Random r, byte[] b) {
        if (b.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        byte[] out = b.clone();
        switch (r.nextInt(5)) {
            case 0:
                return java.util.Arrays.copyOf(out, r.nextInt(out.length));
            case 1:
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return out;
            case 2: {
                int at = r.nextInt(out.length + 1);
                byte[] ins = new byte[out.length + 1];
                System.arraycopy(out, 0, ins, 0, at);
                ins[at] = (byte) "{}[],:\"\\0aZ \u00ff".charAt(r.nextInt(13));
                System.arraycopy(out, at, ins, at + 1, out.length - at);
                return ins;
            }
            case 3: {
                byte[] tail = "garbage{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                byte[] app = java.util.Arrays.copyOf(out, out.length + tail.length);
                System.arraycopy(tail, 0, app, out.length, tail.length);
                return app;
            }
            default:
                out[r.nextInt(out.length)] = (byte) (0x80 + r.nextInt(0x80));
                return out;
        }
    }
}
