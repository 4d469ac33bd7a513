package io.pullqueue.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Writes the markdown report and its PNG charts. */
final class Report {
    private final Settings settings;
    private final Results r;
    private final Path repo;
    private final String command;
    private final double minutes;
    private final StringBuilder md = new StringBuilder();

    Report(Settings settings, Results results, Path repo, String command, double minutes) {
        this.settings = settings;
        this.r = results;
        this.repo = repo;
        this.command = command;
        this.minutes = minutes;
    }

    Path write(Path dir, String base) throws IOException {
        Path charts = dir.resolve(base);
        Files.createDirectories(charts);
        String when = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString();
        line("# pullqueue benchmark: %s (%s mode)", base, settings.mode());
        line("");
        line("Run at %s, took %.1f min. Command (from the repository root):", when, minutes);
        line("");
        line("```sh\n%s\n```", command);
        line("");
        machine();
        peers();
        headline();
        targets();
        smallCallTargets();
        charts(charts, base);
        drainTable();
        steadyTable();
        backlogTable();
        ceilingTable();
        if (!r.failures.isEmpty()) {
            line("## Failures\n");
            r.failures.forEach((p, e) -> line("- %s: `%s`", p, e));
            line("");
        }
        Path file = dir.resolve(base + ".md");
        Files.writeString(file, md.toString());
        return file;
    }

    private void machine() {
        line("## Machine\n");
        line("| | |");
        line("|---|---|");
        line("| CPU | %d cores, %s |", Runtime.getRuntime().availableProcessors(), cpuModel());
        line("| memory | %s |", memTotal());
        line("| disk | %s; **%.0f write+fsync per second** (4 KiB appends, `FileChannel.force`) |", disk(), r.fsyncPerSecond);
        line("| OS, Java | %s, Java %s (%s) |", uname(), System.getProperty("java.version"), System.getProperty("java.vm.name"));
        StringBuilder load = new StringBuilder();
        r.loadAverage.forEach((k, v) -> load.append(load.length() == 0 ? "" : "; ").append(k).append(": ").append(v));
        line("| load average (1/5/15 min) | %s |", load);
        StringBuilder fsync = new StringBuilder();
        r.fsyncBefore.forEach((k, v) -> fsync.append(fsync.length() == 0 ? "" : "; ").append(k).append(": ").append(num(v)));
        line("| disk write+fsync/s just before each system | %s |", fsync);
        line("| payload | %d bytes per task |", settings.payloadBytes());
        line("");
        line("Anything else running on the machine (builds, tests) shows in the load averages and fsync rates above and "
                + "makes figures noisy; compare systems within one run.");
        line("Client and servers share the same cores: every figure includes the driver's own CPU use.");
        line("");
    }

    private void peers() {
        line("## Systems\n");
        line("| system | version | durability | how it runs | client |");
        line("|---|---|---|---|---|");
        r.peers.forEach((name, d) -> line("| %s | %s | %s | %s | %s |", name, d.get("version"), d.get("durability"),
                d.get("runs as"), d.get("client")));
        line("");
    }

    private void headline() {
        line("## Headline\n");
        long big = settings.backlogSizes().get(settings.backlogSizes().size() - 1);
        long small = settings.backlogSizes().get(0);
        line("| system | best drain, tasks/s (workers×batch) | steady tasks/s | steady lease p50 / p99 / max ms "
                + "| lease p50 / p99 ms at %s queued | at largest backlog | heap after GC, warm empty → largest | RSS at largest |", fmtCount(small));
        line("|---|---|---|---|---|---|---|---|");
        for (String peer : r.peers.keySet()) {
            String drain = r.bestDrain(peer).map(d -> "%s (%d×%d)".formatted(num(d.rate()), d.workers(), d.batch())).orElse("–");
            Optional<Workloads.Steady> st = r.steady(peer);
            String steady = st.map(s -> num(s.rate())).orElse("–");
            String lat = st.map(s -> "%s / %s / %s".formatted(ms(s.p50()), ms(s.p99()), ms(s.max()))).orElse("–");
            String atSmall = r.backlog(peer, small).map(b -> "%s / %s (lease-%d)".formatted(ms(b.p50()), ms(b.p99()), b.batch())).orElse("–");
            Optional<Workloads.Backlog> largest = r.backlogs.stream().filter(b -> b.peer().equals(peer))
                    .max((a, b) -> Long.compare(a.size(), b.size()));
            String atBig = largest.map(b -> "%s / %s at %s".formatted(ms(b.p50()), ms(b.p99()), fmtCount(b.size()))).orElse("–");
            String heap = largest.filter(b -> b.heap() > 0)
                    .map(b -> mib(r.heapWarmEmpty.getOrDefault(peer, -1L)) + " → " + mib(b.heap())).orElse("n/a");
            String rss = largest.map(b -> mib(b.rss())).orElse("–");
            line("| %s | %s | %s | %s | %s | %s | %s | %s |", peer, drain, steady, lat, atSmall, atBig, heap, rss);
        }
        line("");
        r.restartMillis.forEach((peer, ms) -> line("- %s restart-to-ready with %s queued tasks: **%.1f s** (first start, empty database: %.1f s).",
                peer, fmtCount(r.restartBacklog.get(peer)), ms / 1000.0, r.firstStartMillis.getOrDefault(peer, -1L) / 1000.0));
        if (big != small) {
            line("- Backlog sizes are capped per system where filling is bounded by its add rate: %s.", Bench.MAX_BACKLOG);
        }
        line("");
    }

    private void targets() {
        line("## Targets (pullqueue, embedded store)\n");
        line("| target | measured | met |");
        line("|---|---|---|");
        Optional<Workloads.Drain> pq = r.bestDrain("pullqueue");
        for (String peer : List.of("elasticmq", "beanstalkd -f 0", "beanstalkd -f 50")) {
            double factor = peer.equals("elasticmq") ? 3 : 2;
            Optional<Workloads.Drain> other = r.bestDrain(peer);
            if (pq.isPresent() && other.isPresent()) {
                double x = pq.get().rate() / other.get().rate();
                line("| drain ≥ %.0f× %s | %s vs %s tasks/s = %.2f× | %s |", factor, peer, num(pq.get().rate()), num(other.get().rate()),
                        x, yes(x >= factor));
            }
        }
        List<Integer> sizes = settings.backlogSizes();
        Optional<Workloads.Backlog> first = r.backlog("pullqueue", sizes.get(0));
        Optional<Workloads.Backlog> last = r.backlog("pullqueue", sizes.get(sizes.size() - 1));
        if (first.isPresent() && last.isPresent()) {
            double x = last.get().p50() / first.get().p50();
            line("| lease-100 p50 at %s ≤ 1.5× at %s | %s vs %s ms = %.2f× | %s |", fmtCount(last.get().size()), fmtCount(first.get().size()),
                    ms(last.get().p50()), ms(first.get().p50()), x, yes(x <= 1.5));
            line("| lease-100 p99 at %s < 20 ms | %s ms | %s |", fmtCount(last.get().size()), ms(last.get().p99()), yes(last.get().p99() < 20));
            long empty = r.heapWarmEmpty.getOrDefault("pullqueue", -1L);
            if (empty > 0 && last.get().heap() > 0) {
                double grow = (last.get().heap() - empty) / 1048576.0;
                line("| heap after full GC at %s ≤ empty + 64 MiB | empty (warm, after the drains) %s → %s (%+.1f MiB); freshly started: %s | %s |",
                        fmtCount(last.get().size()), mib(empty), mib(last.get().heap()), grow, mib(r.heapEmpty.getOrDefault("pullqueue", -1L)),
                        yes(grow <= 64));
            }
        }
        for (Workloads.Ceiling c : r.ceilings) {
            if (c.peer().equals("pullqueue")) {
                line("| lease calls/s ≥ ½ no-op endpoint (%d connection%s) | %s vs %s calls/s = %.2f× | %s |", c.workers(),
                        c.workers() == 1 ? "" : "s",
                        num(c.leasePerSecond()), num(c.pingPerSecond()), c.fraction(), yes(c.fraction() >= 0.5));
            }
        }
        for (Workloads.Ceiling on : r.ceilings) {
            r.ceilings.stream().filter(off -> on.peer().equals("pullqueue-auth") && off.peer().equals("pullqueue")
                    && off.workers() == on.workers()).findFirst().ifPresent(off -> {
                        double extra = off.leasePerSecond() / on.leasePerSecond() - 1;
                        line("| checking an API key < 10 %% of a lease call (%d connection%s) | %s calls/s with, %s without = %+.0f %% time per call | %s |",
                                on.workers(), on.workers() == 1 ? "" : "s", num(on.leasePerSecond()), num(off.leasePerSecond()),
                                100 * extra, yes(extra < 0.10));
                    });
        }
        line("");
    }

    /**
     * Issue #16's goals, for every pullqueue store in the run: a lease call of one task at least half the no-op
     * endpoint's rate on the embedded store and a third on PostgreSQL, at each connection count; and drains of batch
     * 1 and 10 at least AppScale's raw SQL on the same PostgreSQL, cell by cell (same workers, same batch).
     */
    private void smallCallTargets() {
        List<String> stores = r.peers.keySet().stream().filter(p -> p.startsWith("pullqueue") && !p.equals("pullqueue-auth"))
                .toList();
        if (stores.isEmpty()) {
            return;
        }
        line("## Targets: small calls (issue #16)\n");
        line("| store | target | measured | met |");
        line("|---|---|---|---|");
        int met = 0;
        int all = 0;
        for (String store : stores) {
            double goal = store.equals("pullqueue") ? 0.5 : 1 / 3.0;
            for (Workloads.Ceiling c : r.ceilings) {
                if (c.peer().equals(store)) {
                    boolean ok = c.fraction() >= goal;
                    line("| %s | lease of one ≥ %s× no-op, %d connection%s | %s vs %s calls/s = %.2f× | %s |", store,
                            goal == 0.5 ? "0.5" : "0.33", c.workers(), c.workers() == 1 ? "" : "s", num(c.leasePerSecond()),
                            num(c.pingPerSecond()), c.fraction(), yes(ok));
                    met += ok ? 1 : 0;
                    all++;
                }
            }
            for (int batch : List.of(1, 10)) {
                for (Workloads.Drain d : r.drains) {
                    if (!d.peer().equals(store) || d.batch() != batch) {
                        continue;
                    }
                    Optional<Workloads.Drain> sql = r.drains.stream().filter(o -> o.peer().equals("postgres-appscale")
                            && o.batch() == batch && o.workers() == d.workers()).findFirst();
                    if (sql.isPresent()) {
                        double x = d.rate() / sql.get().rate();
                        line("| %s | drain batch %d, %d worker%s ≥ AppScale's SQL | %s vs %s tasks/s = %.2f× | %s |", store, batch,
                                d.workers(), d.workers() == 1 ? "" : "s", num(d.rate()), num(sql.get().rate()), x, yes(x >= 1));
                        met += x >= 1 ? 1 : 0;
                        all++;
                    }
                }
            }
        }
        line("");
        line("%d of %d met.", met, all);
        line("");
    }

    private void charts(Path dir, String base) throws IOException {
        List<String> peers = new ArrayList<>(r.peers.keySet());
        CategoryChart best = chart("Best drain (tasks/s, higher is better)", "system", "tasks/s");
        best.addSeries("best drain", peers, peers.stream().map(p -> (Number) r.bestDrain(p).map(Workloads.Drain::rate).orElse(0.0)).toList());
        best.getStyler().setLegendVisible(false);
        save(best, dir.resolve("drain-best"));

        List<String> batches = settings.drainBatches().stream().map(String::valueOf).toList();
        CategoryChart byBatch = chart("Drain by lease batch (best over worker counts)", "tasks per lease call", "tasks/s");
        for (String p : peers) {
            byBatch.addSeries(p, batches, settings.drainBatches().stream().map(b -> (Number) r.drains.stream()
                    .filter(d -> d.peer().equals(p) && d.batch() == b).mapToDouble(Workloads.Drain::rate).max().orElse(0)).toList());
        }
        save(byBatch, dir.resolve("drain-batch"));

        CategoryChart steady = chart("Steady state: producers and workers at once (tasks/s)", "system", "tasks/s");
        steady.addSeries("tasks/s", peers, peers.stream().map(p -> (Number) r.steady(p).map(Workloads.Steady::rate).orElse(0.0)).toList());
        steady.getStyler().setLegendVisible(false);
        save(steady, dir.resolve("steady"));

        List<String> sizes = settings.backlogSizes().stream().map(s -> fmtCount(s)).toList();
        for (String pct : List.of("p50", "p99")) {
            CategoryChart lat = chart("Lease latency " + pct + " by backlog (lease of 100 or the system's maximum; 0 = not run)",
                    "queued tasks", "ms, lower is better");
            ToDoubleFunction<Workloads.Backlog> f = pct.equals("p50") ? Workloads.Backlog::p50 : Workloads.Backlog::p99;
            for (String p : peers) {
                lat.addSeries(p, sizes, settings.backlogSizes().stream().map(s -> (Number) r.backlog(p, s).map(f::applyAsDouble).orElse(0.0)).toList());
            }
            save(lat, dir.resolve("backlog-" + pct));
        }
        line("## Charts\n");
        for (String c : List.of("drain-best", "drain-batch", "steady", "backlog-p50", "backlog-p99")) {
            line("![%s](%s/%s.png)", c, base, c);
        }
        line("");
    }

    private static CategoryChart chart(String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(450).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDecimalPattern("#,##0.##");
        return c;
    }

    private static void save(CategoryChart c, Path file) throws IOException {
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private void drainTable() {
        line("## 1. Drain\n");
        line("%s queued tasks of %d bytes; W workers each lease B (capped at the system's maximum) and delete what they leased; "
                        + "tasks/s from the first lease to the empty queue, or to the %d s time cap (marked *). The queue is topped up to %s "
                        + "before each cell.\n", fmtCount(settings.drainTasks()), settings.payloadBytes(), settings.drainCapSeconds(),
                fmtCount(settings.drainTasks()));
        List<String> peers = new ArrayList<>(r.peers.keySet());
        line("| workers × batch | %s |", String.join(" | ", peers));
        line("|---|%s", "---|".repeat(peers.size()));
        for (int w : settings.drainWorkers()) {
            for (int b : settings.drainBatches()) {
                StringBuilder row = new StringBuilder("| " + w + " × " + b + " |");
                for (String p : peers) {
                    Optional<Workloads.Drain> d = r.drains.stream().filter(x -> x.peer().equals(p) && x.workers() == w && x.batch() == b).findFirst();
                    row.append(' ').append(d.map(x -> num(x.rate()) + (x.capped() ? "*" : "")).orElse("–")).append(" |");
                }
                line("%s", row);
            }
        }
        line("\n– = above that system's per-call maximum (ElasticMQ 10, beanstalkd 1): its best is in the rows with its maximum.\n");
        if (!r.leaseDeletes.isEmpty()) {
            line("### Drain with lease+delete (pullqueue)\n");
            line("Each lease call also deletes the batch leased by the previous one (`deleteNames`): one call per batch "
                    + "instead of a lease and a delete. Each row measured back to back: the plain drain, then lease+delete with "
                    + "JSON answers, then lease+delete with compact answers (`Accept: %s`, payloads as raw bytes instead of "
                    + "base64). Answer bytes: lease answers' bodies per task drained; server CPU: the server process's CPU "
                    + "time during the drain per task (steadier than the rate on a shared machine).\n", PullqueuePeer.COMPACT);
            line("| system | workers × batch | plain tasks/s | lease+delete tasks/s | ratio | calls/s plain → lease+delete "
                    + "| lease+delete compact tasks/s | compact / JSON | answer bytes per task, JSON → compact "
                    + "| server CPU µs per task, JSON → compact |");
            line("|---|---|---|---|---|---|---|---|---|---|");
            for (Workloads.LeaseDelete ld : r.leaseDeletes) {
                Workloads.Drain p = ld.plain();
                Workloads.Drain c = ld.combined();
                Workloads.Drain k = ld.compact();
                line("| %s | %d × %d | %s%s | %s%s | %.2f× | %s → %s | %s%s | %.2f× | %s → %s | %.1f → %.1f |", p.peer(), p.workers(),
                        p.batch(), num(p.rate()), p.capped() ? "*" : "", num(c.rate()), c.capped() ? "*" : "", ld.ratio(),
                        num(p.leaseCallsPerSecond() * 2), num(c.leaseCallsPerSecond()), num(k.rate()),
                        k.capped() ? "*" : "", ld.compactRatio(), num(c.answerBytesPerTask()),
                        num(k.answerBytesPerTask()), c.serverCpuMicrosPerTask(), k.serverCpuMicrosPerTask());
            }
            line("");
        }
    }

    private void steadyTable() {
        line("## 2. Steady state\n");
        line("| system | producers × add batch | workers × lease batch | added/s | done tasks/s | lease p50 | p99 | max (ms) | empty leases |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (Workloads.Steady s : r.steadies) {
            line("| %s | %d × %d | %d × %d | %s | %s | %s | %s | %s | %d |", s.peer(), s.producers(), s.addBatch(), s.workers(), s.leaseBatch(),
                    num(s.added() / s.seconds()), num(s.rate()), ms(s.p50()), ms(s.p99()), ms(s.max()), s.emptyLeases());
        }
        line("\n%d s per system; the queue starts empty; workers that find nothing due sleep 1 ms; latency covers every lease call.\n",
                settings.steadySeconds());
    }

    private void backlogTable() {
        line("## 3. Backlog growth\n");
        line("One client: lease min(100, max) tasks (timed), delete them, add as many back (untimed), %d times per size.\n",
                settings.backlogIterations());
        line("| system | queued | lease batch | p50 ms | p99 ms | max ms | heap after full GC | RSS |");
        line("|---|---|---|---|---|---|---|---|");
        for (Workloads.Backlog b : r.backlogs) {
            line("| %s | %s | %d | %s | %s | %s | %s | %s |", b.peer(), fmtCount(b.size()), b.batch(), ms(b.p50()), ms(b.p99()), ms(b.max()),
                    b.heap() > 0 ? mib(b.heap()) : "n/a", mib(b.rss()));
        }
        line("");
        r.heapEmpty.forEach((p, h) -> {
            if (h > 0) {
                line("- %s empty server: heap after full GC %s freshly started (RSS %s), %s once warm (queue empty after the drains).",
                        p, mib(h), mib(r.rssEmpty.get(p)), mib(r.heapWarmEmpty.getOrDefault(p, -1L)));
            }
        });
        line("");
    }

    private void ceilingTable() {
        line("## 4. Ceiling\n");
        line("Same client, same connections: `GET /api/v1/ping` (a no-op JAX-RS endpoint in the same Liberty) against lease calls of 1 task "
                + "and add calls of 1 unnamed task (each a durable commit), %d s each after 1 s of warm-up; a server that ran nothing before (the API-key sibling, "
                + "or every server with `--only ceiling`) first runs one untimed round at the most connections. "
                + "Disk bound on individually durable commits: %.0f fsync/s.\n",
                settings.ceilingSeconds(), r.fsyncPerSecond);
        line("| system | connections | no-op calls/s | lease calls/s | lease / no-op | add calls/s | add / no-op |");
        line("|---|---|---|---|---|---|---|");
        for (Workloads.Ceiling c : r.ceilings) {
            line("| %s | %d | %s | %s | %.2f | %s | %.2f |", c.peer(), c.workers(), num(c.pingPerSecond()), num(c.leasePerSecond()),
                    c.fraction(), num(c.addPerSecond()), c.addFraction());
        }
        line("");
        authenticationCost();
        line("Lease calls per second during the drains (lease + delete calls alternate):\n");
        line("| system | workers × batch | lease calls/s |");
        line("|---|---|---|");
        for (Workloads.Drain d : r.drains) {
            if (d.peer().startsWith("pullqueue")) {
                line("| %s | %d × %d | %s |", d.peer(), d.workers(), d.batch(), num(d.leaseCallsPerSecond()));
            }
        }
        line("");
    }

    /**
     * pullqueue-auth is the embedded store asking for an API key on every call, measured right after pullqueue with
     * the same connections: what checking a credential costs a lease call (the goal: under 10 %).
     */
    private void authenticationCost() {
        List<String> rows = new ArrayList<>();
        for (Workloads.Ceiling on : r.ceilings) {
            if (!on.peer().equals("pullqueue-auth")) {
                continue;
            }
            r.ceilings.stream().filter(off -> off.peer().equals("pullqueue") && off.workers() == on.workers()).findFirst()
                    .ifPresent(off -> rows.add(String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %.0f %% |", on.workers(),
                            num(off.leasePerSecond()), num(on.leasePerSecond()), on.leasePerSecond() / off.leasePerSecond(),
                            100 * (off.leasePerSecond() / on.leasePerSecond() - 1))));
        }
        if (rows.isEmpty()) {
            return;
        }
        line("Authentication on and off: `pullqueue-auth` is the same build asking for an API key on every call "
                + "(`PULLQUEUE_AUTH_MODE=required`, the key sent as `Authorization: Bearer`), measured right after `pullqueue` "
                + "(the loopback default, no credential checked). Goal: checking a credential costs under 10 %% of a lease call.\n");
        line("| connections | lease calls/s, no credential | lease calls/s, API key | on / off | extra time per call |");
        line("|---|---|---|---|---|");
        rows.forEach(row -> line("%s", row));
        line("");
    }

    private void line(String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static String yes(boolean met) {
        return met ? "**yes**" : "**no**";
    }

    static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    static String mib(long bytes) {
        return bytes <= 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    static String fmtCount(long n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return n / 1_000 + "k";
        }
        return Long.toString(n);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }

    private static String cpuModel() {
        for (String l : read("/proc/cpuinfo").split("\n")) {
            if (l.startsWith("model name")) {
                return l.substring(l.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }

    private static String memTotal() {
        for (String l : read("/proc/meminfo").split("\n")) {
            if (l.startsWith("MemTotal:")) {
                return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0);
            }
        }
        return "?";
    }

    private String disk() {
        try {
            String df = Procs.run(List.of("df", "-hT", repo.toString()), Map.of(), 10).trim().split("\n")[1];
            String[] f = df.trim().split("\\s+");
            String dev = f[0].replace("/dev/", "");
            String rot = read("/sys/block/" + dev.replaceAll("[0-9]+$", "") + "/queue/rotational").trim();
            return "%s (%s, %s, %s free)%s".formatted(f[0], f[1], f[2], f[4], rot.isEmpty() ? "" : rot.equals("0") ? ", non-rotational" : ", rotational");
        } catch (Exception e) {
            return "?";
        }
    }

    private static String uname() {
        try {
            return Procs.run(List.of("uname", "-sr"), Map.of(), 10).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
