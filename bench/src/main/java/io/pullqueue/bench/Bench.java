package io.pullqueue.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every workload against pullqueue and each peer, one system at a time on 127.0.0.1, and writes the report.
 * Usage (normally through bench/run): {@code Bench [--quick|--medium|--full] [--peers a,b] [--pullqueue-store NAME]
 * [--pullqueue-env KEY=VALUE]... [--out DIR] [--only ceiling|lease-delete|steady] [--ceiling-workers 1,4,16]
 * [--ceiling-seconds N]}. {@code --only ceiling} runs only the ceiling section (ping vs lease-1 per connection count,
 * no API-key sibling): the quick, targeted way to compare a lease call with the no-op endpoint of the same server.
 * {@code --only lease-delete} runs only pullqueue's lease+delete drains (plain, lease+delete with JSON answers, with
 * compact answers, per batch).
 */
public final class Bench {
    static final int PULLQUEUE_PORT = 9190;
    static final int PULLQUEUE_STORE_PORT = 9192;
    /** The embedded store asking for an API key, for the ceiling's authentication-on run (+1: its https port). */
    static final int PULLQUEUE_AUTH_PORT = 9194;
    static final int ELASTICMQ_PORT = 9196;
    static final int BEANSTALKD_F0_PORT = 9197;
    static final int BEANSTALKD_F50_PORT = 9198;
    static final List<String> ALL = List.of("pullqueue", "elasticmq", "beanstalkd-f0", "beanstalkd-f50", "postgres");

    /** Largest backlog each peer is filled to in the backlog workload (filling is bounded by its add rate). */
    static final Map<String, Long> MAX_BACKLOG = Map.of("elasticmq", 100_000L, "beanstalkd -f 0", 100_000L);

    /** {@code --only ceiling}: the ceiling section alone, without the API-key sibling. */
    private static boolean CEILING_ONLY;
    /** {@code --only lease-delete}: pullqueue's lease+delete drains alone (JSON and compact answers). */
    private static boolean LEASE_DELETE_ONLY;
    /** {@code --only steady}: the steady state alone, on a freshly started server. */
    private static boolean STEADY_ONLY;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = "full";
        List<String> wanted = new ArrayList<>(ALL);
        String store = null;
        Map<String, String> storeEnv = new LinkedHashMap<>();
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        Path out = null;
        int payloadBytes = -1;
        boolean ceilingOnly = false;
        boolean leaseDeleteOnly = false;
        boolean steadyOnly = false;
        List<Integer> ceilingWorkers = null;
        int ceilingSeconds = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> mode = "quick";
                case "--medium" -> mode = "medium";
                case "--full" -> mode = "full";
                // "none": only the server of --pullqueue-store
                case "--peers" -> wanted = args[++i].equals("none") ? List.of() : List.of(args[i].split(","));
                case "--pullqueue-store" -> store = args[++i];
                case "--pullqueue-env" -> {
                    String[] kv = args[++i].split("=", 2);
                    storeEnv.put(kv[0], kv[1]);
                }
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "--payload" -> payloadBytes = Integer.parseInt(args[++i]);
                case "--only" -> {
                    String only = args[++i];
                    switch (only) {
                        case "ceiling" -> ceilingOnly = true;
                        case "lease-delete" -> leaseDeleteOnly = true;
                        case "steady" -> steadyOnly = true;
                        default -> throw new IllegalArgumentException(
                                "--only knows three workloads: ceiling, lease-delete, steady; got " + only);
                    }
                }
                case "--ceiling-workers" -> ceilingWorkers = java.util.Arrays.stream(args[++i].split(","))
                        .map(Integer::valueOf).toList();
                case "--ceiling-seconds" -> ceilingSeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Settings settings = payloadBytes < 0 ? Settings.of(mode) : Settings.of(mode).withPayload(payloadBytes);
        if (ceilingWorkers != null || ceilingSeconds > 0) {
            settings = settings.withCeiling(ceilingWorkers == null ? settings.ceilingWorkers() : ceilingWorkers,
                    ceilingSeconds > 0 ? ceilingSeconds : settings.ceilingSeconds());
        }
        CEILING_ONLY = ceilingOnly;
        LEASE_DELETE_ONLY = leaseDeleteOnly;
        STEADY_ONLY = steadyOnly;
        if (out == null) {
            out = repo.resolve(mode.equals("quick") ? "bench/results/tmp" : "bench/results");
        }
        Path work = repo.resolve("bench/target/work");
        Files.createDirectories(work);

        List<Peer> peers = new ArrayList<>();
        for (String w : wanted) {
            switch (w) {
                case "pullqueue" -> peers.add(new PullqueuePeer(repo, work, PULLQUEUE_PORT, null, store == null ? storeEnv : Map.of()));
                case "elasticmq" -> peers.add(new ElasticMqPeer(repo.resolve("bench/peers/elasticmq/target/lib"), work, ELASTICMQ_PORT));
                case "beanstalkd-f0" -> peers.add(new BeanstalkPeer(work, BEANSTALKD_F0_PORT, 0));
                case "beanstalkd-f50" -> peers.add(new BeanstalkPeer(work, BEANSTALKD_F50_PORT, 50));
                case "postgres" -> peers.add(new PostgresPeer());
                default -> throw new IllegalArgumentException("unknown peer " + w + "; known: " + ALL);
            }
        }
        if (store != null) {
            peers.add(Math.min(1, peers.size()), new PullqueuePeer(repo, work, PULLQUEUE_STORE_PORT, store, storeEnv));
        }

        Results results = new Results();
        long t0 = System.nanoTime();
        results.loadAverage.put("start", loadAverage());
        results.fsyncPerSecond = Workloads.fsyncRate(work, mode.equals("quick") ? 1 : 3);
        log("disk: %.0f write+fsync/s (4 KiB appends) in %s", results.fsyncPerSecond, work);
        Workloads workloads = new Workloads(settings);
        for (Peer peer : peers) {
            Thread hook = new Thread(peer::close);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                runPeer(peer, settings, workloads, results);
            } catch (Exception e) {
                log("%s FAILED: %s", peer.name(), e);
                e.printStackTrace();
                results.failures.put(peer.name(), e.toString());
            } finally {
                log("stopping %s", peer.name());
                peer.close();
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        results.loadAverage.put("end", loadAverage());
        double minutes = (System.nanoTime() - t0) / 60e9;
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        String base = date + "-" + host + (mode.equals("full") ? "" : "-" + mode) + (ceilingOnly ? "-ceiling" : "") + (leaseDeleteOnly ? "-lease-delete" : "")
                + (payloadBytes < 0 ? "" : "-payload" + payloadBytes);
        if (!mode.equals("quick")) {
            String first = base;
            for (int n = 2; Files.exists(out.resolve(base + ".md")); n++) {
                base = first + "-" + n;
            }
        }
        Path report = new Report(settings, results, repo, System.getProperty("bench.command", "bench/run " + String.join(" ", args)),
                minutes).write(out, base);
        log("report: %s (%.1f min)", report, minutes);
        if (!results.failures.isEmpty()) {
            log("failures: %s", results.failures);
            System.exit(1);
        }
    }

    private static void runPeer(Peer peer, Settings s, Workloads w, Results r) throws Exception {
        r.fsyncBefore.put(peer.name(), Workloads.fsyncRate(work(), 1));
        log("starting %s (disk now %.0f write+fsync/s)", peer.name(), r.fsyncBefore.get(peer.name()));
        peer.start();
        r.peers.put(peer.name(), peer.describe());
        if (peer instanceof PullqueuePeer pq) {
            r.firstStartMillis.put(peer.name(), pq.firstStartMillis());
        }
        r.heapEmpty.put(peer.name(), peer.heapAfterGc());
        r.rssEmpty.put(peer.name(), Procs.rss(peer.pid()));
        r.loadAverage.put(peer.name(), loadAverage());

        for (int workers : CEILING_ONLY || LEASE_DELETE_ONLY || STEADY_ONLY ? List.<Integer>of() : s.drainWorkers()) {
            for (int batch : s.drainBatches()) {
                if (batch > peer.maxLeaseBatch() && s.drainBatches().contains(peer.maxLeaseBatch())) {
                    continue;
                }
                int b = Math.min(batch, peer.maxLeaseBatch());
                if (r.drains.stream().anyMatch(d -> d.peer().equals(peer.name()) && d.workers() == workers && d.batch() == b)) {
                    continue;
                }
                Workloads.Drain d = w.drain(peer, workers, b);
                r.drains.add(d);
                log("%s drain W=%d B=%d: %d tasks in %.2f s = %.0f tasks/s, %.0f lease calls/s%s", peer.name(), workers, b,
                        d.tasks(), d.seconds(), d.rate(), d.leaseCallsPerSecond(), d.capped() ? " (time cap)" : "");
            }
        }
        if (peer instanceof PullqueuePeer && !CEILING_ONLY && !STEADY_ONLY) {
            // Issue #16: a lease that also deletes the previous batch, against the plain drain of the same cell
            // measured just before it (batch 1 and 10, where the delete call is half of the calls, and 100), then
            // the same lease+delete drain with compact answers instead of JSON. Quick mode runs batch 10 alone, so
            // that CI's run stays under two minutes while every path is driven.
            int workers = s.drainWorkers().contains(4) ? 4 : s.drainWorkers().get(0);
            for (int b : s.mode().equals("quick") ? List.of(10) : List.of(1, 10, 100)) {
                Workloads.Drain plain = w.drain(peer, workers, b, false, false);
                Workloads.Drain combined = w.drain(peer, workers, b, true, false);
                Workloads.Drain compact = w.drain(peer, workers, b, true, true);
                Workloads.LeaseDelete ld = new Workloads.LeaseDelete(plain, combined, compact);
                r.leaseDeletes.add(ld);
                log("%s drain W=%d B=%d: plain %.0f tasks/s (%.0f calls/s), lease+delete %.0f tasks/s (%.0f calls/s): %.2f×;"
                                + " compact %.0f tasks/s: %.2f× JSON, lease answers %.0f → %.0f bytes per task,"
                                + " server CPU %.1f → %.1f µs per task",
                        peer.name(), workers, b, plain.rate(), plain.leaseCallsPerSecond(), combined.rate(),
                        combined.leaseCallsPerSecond(), ld.ratio(), compact.rate(), ld.compactRatio(),
                        combined.answerBytesPerTask(), compact.answerBytesPerTask(),
                        combined.serverCpuMicrosPerTask(), compact.serverCpuMicrosPerTask());
            }
        }
        if (LEASE_DELETE_ONLY) {
            return;
        }
        if (peer instanceof PullqueuePeer pq && !STEADY_ONLY) {
            // The embedded store's ceiling is measured twice side by side: as it is (no credential checked, the
            // loopback default) and on a sibling server that asks for an API key on every call.
            PullqueuePeer withKey = peer.name().equals("pullqueue") && !CEILING_ONLY
                    ? PullqueuePeer.withApiKey(pq.repo(), work(), PULLQUEUE_AUTH_PORT) : null;
            try {
                if (withKey != null) {
                    log("starting %s (the same server asking for an API key, for the ceiling)", withKey.name());
                    withKey.start();
                }
                // A server that has run nothing yet (the API-key sibling; with --only ceiling, the server itself)
                // first runs one untimed round, so that its first measured phase is not its JIT's warm-up: the
                // sibling's 1-connection phase, its first, measured +40 % to +63 % time per call in two runs.
                List<PullqueuePeer> cold = new ArrayList<>();
                if (withKey != null) {
                    cold.add(withKey);
                }
                if (CEILING_ONLY) {
                    cold.add(pq);
                }
                int warmWorkers = s.ceilingWorkers().stream().mapToInt(Integer::intValue).max().orElse(4);
                for (PullqueuePeer p : cold) {
                    Workloads.Ceiling c = w.ceiling(p, warmWorkers);
                    log("%s warm-up round W=%d (not reported): ping %.0f/s, lease-1 %.0f/s", p.name(), warmWorkers,
                            c.pingPerSecond(), c.leasePerSecond());
                }
                for (int workers : s.ceilingWorkers()) {
                    for (PullqueuePeer p : withKey == null ? List.of(pq) : List.of(pq, withKey)) {
                        Workloads.Ceiling c = w.ceiling(p, workers);
                        r.ceilings.add(c);
                        log("%s ceiling W=%d: ping %.0f/s, lease-1 %.0f/s (%.2f), add-1 %.0f/s (%.2f)", p.name(), workers,
                                c.pingPerSecond(), c.leasePerSecond(), c.fraction(), c.addPerSecond(), c.addFraction());
                    }
                }
            } finally {
                if (withKey != null) {
                    withKey.close();
                }
            }
        }
        if (CEILING_ONLY) {
            return;
        }
        Workloads.Steady st = w.steady(peer);
        r.steadies.add(st);
        log("%s steady: added %.0f/s, done %.0f tasks/s, lease p50 %.2f p99 %.2f max %.2f ms, %d empty leases", peer.name(),
                st.added() / st.seconds(), st.rate(), st.p50(), st.p99(), st.max(), st.emptyLeases());
        r.heapWarmEmpty.put(peer.name(), peer.heapAfterGc());
        if (STEADY_ONLY) {
            return;
        }

        long max = MAX_BACKLOG.getOrDefault(peer.name(), Long.MAX_VALUE);
        for (long size : s.backlogSizes()) {
            if (size > max) {
                log("%s backlog %d skipped (filling it is bounded by its add rate; max here %d)", peer.name(), size, max);
                continue;
            }
            long t0 = System.nanoTime();
            Workloads.Backlog b = w.backlog(peer, size);
            r.backlogs.add(b);
            log("%s backlog %d (%.0f s incl. fill): lease-%d p50 %.2f p99 %.2f max %.2f ms, heap %s, RSS %s", peer.name(), size,
                    (System.nanoTime() - t0) / 1e9, b.batch(), b.p50(), b.p99(), b.max(), Report.mib(b.heap()), Report.mib(b.rss()));
        }
        if (peer instanceof PullqueuePeer) {
            long queued = peer.ready();
            long ms = peer.restartToReadyMillis();
            r.restartMillis.put(peer.name(), ms);
            r.restartBacklog.put(peer.name(), queued);
            long after = peer.ready();
            log("%s restart with %d queued: ready in %d ms (%d due after restart)", peer.name(), queued, ms, after);
            if (after != queued) {
                throw new IllegalStateException("after the restart " + after + " tasks are due, before it " + queued);
            }
        }
    }

    private static Path work() {
        return Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize().resolve("bench/target/work");
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("%tT %s%n", System.currentTimeMillis(), String.format(format, args));
        System.out.flush();
    }
}
