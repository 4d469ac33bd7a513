package it.io.pullqueue.cluster;

import it.io.pullqueue.JarServer;
import it.io.pullqueue.cluster.LeaseHistory.Fate;
import it.io.pullqueue.cluster.LeaseHistory.Lease;
import it.io.pullqueue.cluster.Node.Answer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partition and restart drill of issue 12 (run by {@code bench/partition}, which makes the network namespace,
 * the veth pairs and a throwaway PostgreSQL cluster, and removes them again). Two servers from the runnable JAR on
 * one database: A in the machine's own network, B inside the namespace, where its only way to PostgreSQL is one veth
 * pair (its HTTP port is reached through a second pair, so cutting the database off does not cut the workers off).
 * Producers add named tasks through both servers and workers lease and delete through both, while the drill
 * (1) throttles B's database link, (2) drops all of its packets (a tc pfifo of length 0: a silent partition) for
 * a while, (3) heals it, and
 * (4) restarts PostgreSQL under load; then the producers stop and the workers drain the queue. The lease history is
 * checked as in {@link TwoServersIT}: no task under two valid leases, every acknowledged task deleted exactly once
 * (or its delete left uncertain), and tasks given up are leased again only after their lease ended. Every call of B
 * made wholly inside the cut must answer 503, and within the bound the datasource's timeouts set. Writes a Markdown
 * report and exits non-zero on any violation.
 */
public final class PartitionDrill {
    private static final String Q = "/api/v1/queues/cluster-queue";
    private static final double LEASE_SECONDS = 5;
    private static final int BATCH = 20;

    /** One call through one server: when it started and ended (ms since the drill's start) and its status (-1: none). */
    record Call(String server, String op, long startMs, long endMs, int status) {}

    /** A fault window (ms since the drill's start). */
    record Window(String name, long fromMs, long toMs) {
        boolean holds(Call c) {
            return c.startMs() >= fromMs && c.endMs() <= toMs;
        }
    }

    private final long t0 = System.nanoTime();
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final LeaseHistory history = new LeaseHistory();
    private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicInteger addRetries = new AtomicInteger();
    private final List<Window> windows = new ArrayList<>();
    /** Problems found while the drill runs (the history's are added at the end). */
    private final List<String> problems = new ArrayList<>();

    private volatile boolean producing = true;
    private volatile boolean finished;

    private final String ns = prop("partition.ns");
    private final String nsDev = prop("partition.ns.dev");
    private final String hostDev = prop("partition.host.dev");

    public static void main(String[] args) {
        int code;
        try {
            code = new PartitionDrill().run() ? 0 : 1;
        } catch (Exception | Error e) {
            e.printStackTrace();
            code = 2;
        }
        System.exit(code); // the load's threads are still running after a failure
    }

    private static String prop(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            throw new IllegalArgumentException("missing -D" + name + " (run bench/partition)");
        }
        return v;
    }

    private static int seconds(String name, int fallback) {
        return Integer.getInteger(name, fallback);
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private boolean run() throws Exception {
        Path dir = Path.of(prop("partition.dir"));
        Map<String, String> common = Map.of(
                "PULLQUEUE_STORE",
                "postgres",
                "PULLQUEUE_POSTGRES_PORT",
                prop("partition.pg.port"),
                "PULLQUEUE_POSTGRES_DATABASE",
                "pullqueue",
                "PULLQUEUE_POSTGRES_USER",
                "postgres",
                "PULLQUEUE_QUEUE_CONFIG",
                prop("partition.queue.config"),
                "PULLQUEUE_CONFIG_POLL_SECONDS",
                "1",
                // B listens beyond loopback, where the default asks for credentials; every caller is this drill.
                "PULLQUEUE_AUTH_MODE",
                "none");
        Map<String, String> envA = new java.util.HashMap<>(common);
        envA.put("PULLQUEUE_POSTGRES_HOST", "127.0.0.1");
        envA.put("HTTP_PORT", prop("partition.a.port"));
        Map<String, String> envB = new java.util.HashMap<>(common);
        envB.put("PULLQUEUE_POSTGRES_HOST", prop("partition.db.addr"));
        envB.put("HTTP_HOST", "*");
        envB.put("HTTP_PORT", prop("partition.b.port"));
        try (JarServer serverA = new JarServer(dir.resolve("a"), envA);
                JarServer serverB = new JarServer(
                        dir.resolve("b"), envB, List.of("ip", "netns", "exec", ns), prop("partition.b.addr"))) {
            // Stopped even when the drill itself is stopped (bench/partition sends SIGTERM when it is interrupted).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                serverA.stop();
                serverB.stop();
            }));
            // Both at once: each start takes a minute or more on a loaded machine.
            var startingB = java.util.concurrent.CompletableFuture.runAsync(() -> serverB.start(Duration.ofMinutes(4)));
            serverA.start(Duration.ofMinutes(4));
            startingB.join();
            log("servers ready: A " + serverA.base() + " (started in "
                    + serverA.startToReady().toSeconds() + " s), B " + serverB.base() + " in namespace " + ns);
            return drill(new Node("A", serverA.base()), new Node("B", serverB.base()));
        }
    }

    private boolean drill(Node a, Node b) throws Exception {
        a.post(Q + ":purge", "");
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> producers = new ArrayList<>();
        List<Future<?>> workers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Node via = p == 0 ? a : b;
            int id = p;
            producers.add(pool.submit(() -> produce(id, via)));
        }
        for (int w = 0; w < 8; w++) {
            Node via = w % 2 == 0 ? a : b;
            int id = w;
            workers.add(pool.submit(() -> work(id, via)));
        }
        try {
            pause(seconds("partition.warm.seconds", 15));
            long from = now();
            qdisc("tbf rate 32kbit burst 1600 latency 5s");
            log("B's link to PostgreSQL throttled to 32 kbit/s each way");
            pause(seconds("partition.delay.seconds", 15));
            windows.add(new Window("slow link", from, now()));
            from = now();
            qdisc("pfifo limit 0");
            log("B cut off from PostgreSQL (every packet dropped, both ways)");
            pause(seconds("partition.cut.seconds", 40));
            long cutEnd = now();
            windows.add(new Window("cut", from, cutEnd));
            heal();
            log("B's link to PostgreSQL healed; a TCP connect from B's namespace to PostgreSQL: " + probe());
            long recovered = firstOkAfter("B", cutEnd, 120);
            log("B answered its first lease with 200 " + (recovered - cutEnd) + " ms after the heal");
            windows.add(new Window("recovery of B", cutEnd, recovered));
            pause(seconds("partition.steady.seconds", 15));
            from = now();
            command(List.of(
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    prop("partition.pg.ctl"),
                    "-D",
                    prop("partition.pg.data"),
                    "-l",
                    prop("partition.pg.log"),
                    "-m",
                    "fast",
                    "-w",
                    "restart"));
            long restarted = now();
            log("PostgreSQL restarted (pg_ctl restart -m fast took " + (restarted - from) + " ms)");
            windows.add(new Window("PostgreSQL restart", from, restarted));
            long recA = firstOkAfter("A", restarted, 120);
            long recB = firstOkAfter("B", restarted, 120);
            windows.add(new Window("recovery after restart", restarted, Math.max(recA, recB)));
            log("first 200 lease after the restart: A +" + (recA - restarted) + " ms, B +" + (recB - restarted)
                    + " ms");
            pause(seconds("partition.steady.seconds", 15));
        } finally {
            heal();
            producing = false;
        }
        for (Future<?> f : producers) {
            f.get(5, TimeUnit.MINUTES);
        }
        log(acknowledged.size() + " tasks acknowledged; draining");
        long drainDeadline = now() + TimeUnit.MINUTES.toMillis(3);
        while (now() < drainDeadline && a.get(Q).getJsonObject("stats").getInt("tasks") > 0) {
            pause(1);
        }
        finished = true;
        for (Future<?> f : workers) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdownNow();
        int left = a.get(Q).getJsonObject("stats").getInt("tasks");
        return report(left);
    }

    // ------------------------------------------------------------------------------------------ load

    private void produce(int id, Node via) {
        for (int batch = 0; producing; batch++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                names.add("p" + id + "-" + batch + "-" + i);
            }
            // Retried with the same names until every task is acknowledged: the name rules deduplicate retries.
            while (!names.isEmpty()) {
                JsonArrayBuilder tasks = Json.createArrayBuilder();
                names.forEach(
                        n -> tasks.add(Json.createObjectBuilder().add("name", n).add("payload", "")));
                Answer r = call(
                        via,
                        "add",
                        Q + "/tasks:batchAdd",
                        Json.createObjectBuilder().add("tasks", tasks).build());
                if (r == null || !r.ok()) {
                    addRetries.incrementAndGet();
                    backOff();
                    continue;
                }
                List<String> again = new ArrayList<>();
                List<JsonObject> results = r.body().getJsonArray("results").getValuesAs(JsonObject.class);
                for (int i = 0; i < names.size(); i++) {
                    String status = results.get(i).getString("status");
                    if (List.of("OK", "TASK_ALREADY_EXISTS", "TOMBSTONED_TASK").contains(status)) {
                        acknowledged.add(names.get(i));
                    } else {
                        again.add(names.get(i));
                    }
                }
                names = again;
            }
        }
    }

    private void work(int id, Node via) {
        JsonObject lease = Json.createObjectBuilder()
                .add("maxTasks", BATCH)
                .add("leaseSeconds", LEASE_SECONDS)
                .add("waitSeconds", 1)
                .build();
        while (!finished) {
            Answer r = call(via, "lease", Q + "/tasks:lease", lease);
            if (r == null || !r.ok()) {
                backOff();
                continue;
            }
            List<JsonObject> tasks = r.body().getJsonArray("tasks").getValuesAs(JsonObject.class);
            if (tasks.isEmpty()) {
                continue;
            }
            JsonArrayBuilder names = Json.createArrayBuilder();
            tasks.forEach(t -> names.add(t.getString("name")));
            Answer d = call(
                    via,
                    "delete",
                    Q + "/tasks:batchDelete",
                    Json.createObjectBuilder().add("names", names).build());
            if (d != null && d.ok()) {
                record(id, via, tasks, Fate.DELETED);
                for (JsonValue v : d.body().getJsonArray("results")) {
                    JsonObject o = v.asJsonObject();
                    if ("OK".equals(o.getString("status"))) {
                        history.deletedOk(o.getString("name"));
                    }
                }
                continue;
            }
            record(id, via, tasks, Fate.ABANDONED);
            if (d == null || String.valueOf(d.body()).contains("COMMIT_UNCERTAIN")) {
                tasks.forEach(t -> history.deleteUnanswered(t.getString("name")));
            }
            // Any other error promises that nothing changed: these tasks must come back and be deleted later.
            backOff();
        }
    }

    private void record(int worker, Node via, List<JsonObject> tasks, Fate fate) {
        long leaseUsec = Math.round(LEASE_SECONDS * 1_000_000);
        for (JsonObject t : tasks) {
            history.leased(new Lease(
                    t.getString("name"),
                    worker,
                    via.name,
                    t.getJsonNumber("etaUsec").longValue(),
                    leaseUsec,
                    fate));
        }
    }

    /** One call, logged; null when no answer came. */
    private Answer call(Node via, String op, String path, JsonObject body) {
        long start = now();
        try {
            Answer r = via.answer(path, body);
            calls.add(new Call(via.name, op, start, now(), r.status()));
            return r;
        } catch (Node.Down e) {
            calls.add(new Call(via.name, op, start, now(), -1));
            return null;
        }
    }

    /** A client's back-off after an error answer (the servers say Retry-After: 1; a shorter one samples more). */
    private static void backOff() {
        try {
            TimeUnit.MILLISECONDS.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------ faults

    /**
     * Puts a queueing discipline on both ends of B's database link. Only kernels with sch_netem have netem; a pfifo of
     * length 0 drops every packet silently (a partition), and a token bucket makes a slow link, on any kernel.
     */
    private void qdisc(String what) throws Exception {
        command(List.of("sh", "-c", "tc qdisc replace dev " + hostDev + " root " + what));
        command(List.of("ip", "netns", "exec", ns, "sh", "-c", "tc qdisc replace dev " + nsDev + " root " + what));
    }

    private void heal() throws Exception {
        command(List.of("sh", "-c", "tc qdisc del dev " + hostDev + " root 2>/dev/null || true"));
        command(List.of(
                "ip", "netns", "exec", ns, "sh", "-c", "tc qdisc del dev " + nsDev + " root 2>/dev/null || true"));
    }

    /** Whether a TCP connection from B's namespace to PostgreSQL opens within 3 s, and how long it took. */
    private String probe() throws Exception {
        long start = now();
        Process p = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        ns,
                        "timeout",
                        "3",
                        "bash",
                        "-c",
                        "echo > /dev/tcp/" + prop("partition.db.addr") + "/" + prop("partition.pg.port"))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return (p.exitValue() == 0 ? "opened" : "failed (" + out + ")") + " in " + (now() - start) + " ms";
    }

    private static void command(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    /** When the first lease through {@code server} that started after {@code fromMs} answered 200. */
    private long firstOkAfter(String server, long fromMs, int maxSeconds) throws InterruptedException {
        long deadline = now() + maxSeconds * 1000L;
        while (now() < deadline) {
            long first = calls.stream()
                    .filter(c -> c.server().equals(server)
                            && c.op().equals("lease")
                            && c.startMs() >= fromMs
                            && c.status() == 200)
                    .mapToLong(Call::endMs)
                    .min()
                    .orElse(-1);
            if (first >= 0) {
                return first;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        problems.add(server + " did not answer a lease with 200 within " + maxSeconds + " s after " + fromMs + " ms");
        return now();
    }

    private static void pause(int seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(seconds);
    }

    private void log(String s) {
        System.out.printf("[partition] %6.1f s %s%n", now() / 1000.0, s);
    }

    // ------------------------------------------------------------------------------------------ checks

    private boolean report(int left) throws IOException {
        List<String> names = List.copyOf(acknowledged);
        problems.addAll(history.violations(names));
        int reLeased = history.checkReleasedOnlyAfterExpiry(Fate.ABANDONED, problems);
        List<String> overlaps = problems.stream()
                .filter(p -> p.startsWith("two valid leases") || p.startsWith("leased again before"))
                .toList();
        List<String> lost =
                problems.stream().filter(p -> p.endsWith("never deleted")).toList();
        if (left != 0) {
            problems.add(left + " tasks still in the queue after the drain");
        }
        Window cut =
                windows.stream().filter(w -> w.name().equals("cut")).findFirst().orElseThrow();
        // Calls of B that started once the cut had surely begun and ended before the heal.
        Window inside = new Window("inside the cut", cut.fromMs() + 1000, cut.toMs());
        List<Call> bCut = calls.stream()
                .filter(c -> c.server().equals("B") && inside.holds(c))
                .toList();
        List<Call> bNot503 = bCut.stream().filter(c -> c.status() != 503).toList();
        long bMax = bCut.stream().mapToLong(c -> c.endMs() - c.startMs()).max().orElse(0);
        long bound = Long.getLong("partition.answer.bound.ms", 30_000);
        if (bCut.isEmpty()) {
            problems.add("no call of B started and ended inside the cut");
        }
        bNot503.stream().limit(10).forEach(c -> problems.add("B answered " + c + " inside the cut, not 503"));
        if (bMax > bound) {
            problems.add("a call of B took " + bMax + " ms inside the cut; the bound is " + bound + " ms");
        }
        // Calls still hanging when the cut ended (started inside it, ended after the heal).
        List<Call> bHung = calls.stream()
                .filter(c -> c.server().equals("B")
                        && c.startMs() >= cut.fromMs()
                        && c.startMs() < cut.toMs()
                        && c.endMs() > cut.toMs())
                .toList();
        List<Call> aCut = calls.stream()
                .filter(c -> c.server().equals("A") && cut.holds(c))
                .toList();
        long aOk = aCut.stream().filter(c -> c.status() == 200).count();
        if (aOk == 0) {
            problems.add("server A served no call during the cut");
        }
        StringBuilder md = new StringBuilder();
        md.append("# Partition and restart drill (PostgreSQL, two servers)\n\n");
        md.append("Run ")
                .append(Instant.now())
                .append(" by `bench/partition` (as root). Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, shared with other builds (load " + "average at the end: ")
                .append(Files.readString(Path.of("/proc/loadavg")).trim())
                .append("), so the times below are upper bounds, not figures of the product.\n\n");
        md.append("| result | value |\n|---|---|\n");
        md.append("| tasks acknowledged (named, added through A and B, retried until acknowledged) | ")
                .append(names.size())
                .append(" |\n");
        md.append("| add calls retried after an error answer or none | ")
                .append(addRetries.get())
                .append(" |\n");
        md.append("| leases granted | ")
                .append(history.leases(Fate.DELETED).size()
                        + history.leases(Fate.ABANDONED).size())
                .append(" task leases |\n");
        md.append("| OK deletes | ").append(history.okDeletes()).append(" |\n");
        md.append("| leases given up (the delete failed), re-leased only after expiry | ")
                .append(history.leases(Fate.ABANDONED).size())
                .append(" given up, ")
                .append(reLeased)
                .append(" re-leased |\n");
        md.append("| **tasks under two valid leases at once** | **")
                .append(overlaps.size())
                .append("** |\n");
        md.append("| **acknowledged tasks lost (never deleted)** | **")
                .append(lost.size())
                .append("** |\n");
        md.append("| tasks left in the queue after the drain | ").append(left).append(" |\n");
        md.append("| calls of B wholly inside the cut | ")
                .append(bCut.size())
                .append(", of which 503: ")
                .append(bCut.size() - bNot503.size())
                .append("; slowest answer ")
                .append(bMax)
                .append(" ms |\n");
        md.append("| calls of B that started in the cut and ended after the heal | ")
                .append(bHung.size())
                .append(" |\n");
        md.append("| calls of A during the cut | ")
                .append(aCut.size())
                .append(", of which 200: ")
                .append(aOk)
                .append(" |\n");
        md.append("| problems | ").append(problems.size()).append(" |\n\n");
        md.append("Phases (seconds since the drill started) and what each server answered in them:\n\n");
        md.append("| phase | from | to | A: statuses | B: statuses |\n|---|---|---|---|---|\n");
        for (Window w : windows) {
            md.append("| ")
                    .append(w.name())
                    .append(" | ")
                    .append(w.fromMs() / 1000.0)
                    .append(" | ")
                    .append(w.toMs() / 1000.0)
                    .append(" | ")
                    .append(statuses("A", w))
                    .append(" | ")
                    .append(statuses("B", w))
                    .append(" |\n");
        }
        md.append("\nTimeline: what each server answered, by the second its calls started in (5 s steps):\n\n");
        md.append("| from (s) | A | B |\n|---|---|---|\n");
        long end = calls.stream().mapToLong(Call::startMs).max().orElse(0);
        long first = calls.stream().mapToLong(Call::startMs).min().orElse(0) / 5000 * 5000;
        for (long from = first; from <= end; from += 5000) {
            Window w = new Window("", from, from + 5000);
            md.append("| ")
                    .append(from / 1000)
                    .append(" | ")
                    .append(statuses("A", w))
                    .append(" | ")
                    .append(statuses("B", w))
                    .append(" |\n");
        }
        if (!problems.isEmpty()) {
            md.append("\nFirst problems:\n\n```\n");
            problems.stream().limit(20).forEach(p -> md.append(p).append('\n'));
            md.append("```\n");
        }
        Path out = Path.of(prop("partition.report"));
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("[partition] report: " + out);
        return problems.isEmpty();
    }

    /** Status counts (and the slowest answer) of one server's calls that started in a window. */
    private String statuses(String server, Window w) {
        List<Call> in = calls.stream()
                .filter(c -> c.server().equals(server) && c.startMs() >= w.fromMs() && c.startMs() < w.toMs())
                .toList();
        Map<Integer, Long> byStatus = new java.util.TreeMap<>(in.stream()
                .collect(java.util.stream.Collectors.groupingBy(Call::status, java.util.stream.Collectors.counting())));
        long max = in.stream().mapToLong(c -> c.endMs() - c.startMs()).max().orElse(0);
        return byStatus.isEmpty()
                ? "no calls"
                : byStatus.toString().replace("-1=", "no answer=") + ", slowest " + max + " ms";
    }
}
