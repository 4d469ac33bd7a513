package io.pullqueue.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The scale-out run of issue #16: N = 1, 2, 3 pullqueue servers on one PostgreSQL database, the same W workers
 * spread over them, and for each cell what every process spent per task and what PostgreSQL's backends were doing,
 * so that the limit can be named and projected to bigger machines (docs/scaling.md, "Scale-out, measured").
 * Usage (through bench/scale-out): {@code ScaleOut [--servers 1,2,3] [--workers 16] [--batches 1,10,100]
 * [--seconds 20] [--tasks N] [--out FILE]}: {@code --tasks} is the backlog each drain cell starts from (default 25,000
 * per second of a cell).
 */
public final class ScaleOut {
    private static final int FIRST_PORT = 9210;
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/" + ServersPeer.DATABASE + "?user=postgres";

    private ScaleOut() {
    }

    /** What one cell measured: its rate and, per task, where the machine's time went. */
    record Cell(int servers, String load, double tasksPerSecond, double serverCpuUs, double postgresCpuUs,
                double clientCpuUs, double machineBusy, double commitsPerTask, double walSyncsPerTask,
                double walBytesPerTask, double indexTuplesPerTask, Map<String, Double> backendStates, int backends) {
        static Cell failed(int servers, String why) {
            return new Cell(servers, "**failed**: " + why.replace('|', '/'), Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of(), 0);
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(1, 2, 3);
        int workers = 16;
        List<Integer> batches = List.of(1, 10, 100);
        int seconds = 20;
        long tasks = -1;
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        Path out = repo.resolve("bench/results/" + LocalDate.now(ZoneOffset.UTC) + "-scale-out.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> counts = ints(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--batches" -> batches = ints(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--tasks" -> tasks = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // Enough tasks that a drain cell runs for its whole time at the best rate seen here (about 20,000 tasks/s),
        // and no more: the backlog's size changes what a lease costs on PostgreSQL (docs/scaling.md).
        Settings s = new Settings("scale-out", (int) (tasks > 0 ? tasks : 25_000L * seconds), List.of(workers), batches, seconds, 2, workers / 2,
                seconds, List.of(), 0, List.of(), 0, 1024);
        Workloads w = new Workloads(s);
        Path work = repo.resolve("bench/target/work");
        List<Cell> cells = new ArrayList<>();
        String load0 = Bench.loadAverage();
        Files.createDirectories(out.getParent());
        String command = String.join(" ", args);
        for (int n : counts) {
            try (ServersPeer peer = new ServersPeer(repo, work, FIRST_PORT, n)) {
                Bench.log("starting %d server(s) on %s", n, ServersPeer.DATABASE);
                peer.start();
                // Warm-up: every server's JIT sees the lease+delete path before anything is measured.
                w.drain(peer, workers, 10, true, false);
                for (int batch : batches) {
                    w.topUp(peer, s.drainTasks());
                    Sampler sampler = Sampler.start(peer);
                    Workloads.Drain d = w.drain(peer, workers, batch, true, false);
                    cells.add(sampler.stop(n, "drain, lease+delete, batch " + batch, d.tasks(), d.seconds()));
                    Bench.log("%d server(s), batch %d: %.0f tasks/s", n, batch, d.rate());
                    Files.writeString(out, report(cells, workers, seconds, s.drainTasks(), load0, Bench.loadAverage(), command));
                }
                Sampler sampler = Sampler.start(peer);
                Workloads.Steady st = w.steady(peer);
                cells.add(sampler.stop(n, "steady: 2 producers (add 100) + " + s.steadyWorkers()
                        + " workers (lease 100, delete)", st.deleted(), st.seconds()));
                Bench.log("%d server(s), steady: %.0f tasks/s deleted", n, st.deleted() / st.seconds());
            } catch (Exception e) {
                // One failed cell is a finding, not the end of the run: it goes into the report.
                Bench.log("%d server(s): failed: %s", n, e);
                cells.add(Cell.failed(n, String.valueOf(e.getCause() != null ? e.getCause() : e)));
            }
            Files.writeString(out, report(cells, workers, seconds, s.drainTasks(), load0, Bench.loadAverage(), command));
        }
        Bench.log("report: %s", out);
    }

    private static List<Integer> ints(String csv) {
        List<Integer> l = new ArrayList<>();
        for (String p : csv.split(",")) {
            l.add(Integer.parseInt(p.trim()));
        }
        return l;
    }

    /**
     * Samples one cell: the CPU time of each server JVM, of all PostgreSQL processes and of this driver, the machine's
     * busy share, PostgreSQL's counters (commits, WAL syncs and bytes, index tuples read) and, every 20 ms, what the
     * database's backends are doing ({@code pg_stat_activity}: on CPU, waiting on a lock, on WAL I/O, idle in a
     * transaction while the server works, ...).
     */
    private static final class Sampler implements Runnable {
        private final ServersPeer peer;
        private final Connection c;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<String, Long> states = new TreeMap<>();
        private long samples;
        private int maxBackends;
        private final Thread thread;
        private final long serverCpu0;
        private final long postgresCpu0;
        private final long clientCpu0;
        private final long[] machine0;
        private final long[] counters0;

        private Sampler(ServersPeer peer) throws SQLException {
            this.peer = peer;
            this.c = DriverManager.getConnection(URL);
            this.counters0 = counters();
            this.serverCpu0 = serverCpu(peer);
            this.postgresCpu0 = postgresCpu();
            this.clientCpu0 = clientCpu();
            this.machine0 = machine();
            this.thread = new Thread(this, "sampler");
        }

        static Sampler start(ServersPeer peer) throws SQLException {
            Sampler s = new Sampler(peer);
            s.thread.start();
            return s;
        }

        @Override
        public void run() {
            String q = """
                    SELECT state, coalesce(wait_event_type || ':' || wait_event, 'on CPU') FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'""";
            try (PreparedStatement ps = c.prepareStatement(q)) {
                while (!stop.get()) {
                    int backends = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            backends++;
                            String state = rs.getString(1);
                            String key = switch (state == null ? "" : state) {
                                case "active" -> "active, " + rs.getString(2);
                                case "idle in transaction" -> "idle in transaction (waiting for its server)";
                                case "idle" -> "idle (in the pool)";
                                default -> state;
                            };
                            states.merge(key, 1L, Long::sum);
                        }
                    }
                    maxBackends = Math.max(maxBackends, backends);
                    samples++;
                    Thread.sleep(20);
                }
            } catch (SQLException | InterruptedException e) {
                System.err.println("sampler: " + e.getMessage());
            }
        }

        Cell stop(int servers, String load, long tasks, double seconds) throws Exception {
            stop.set(true);
            thread.join();
            long[] machine1 = machine();
            double serverUs = (serverCpu(peer) - serverCpu0) / 1e3 / tasks;
            double postgresUs = (postgresCpu() - postgresCpu0) / 1e3 / tasks;
            double clientUs = (clientCpu() - clientCpu0) / 1e3 / tasks;
            double busy = 1 - (double) (machine1[1] - machine0[1]) / (machine1[0] - machine0[0]);
            // PostgreSQL's cumulative statistics reach the shared counters within about a second of a backend's
            // transaction: wait for them before reading.
            Thread.sleep(1500);
            long[] counters1 = counters();
            c.close();
            Map<String, Double> shares = new LinkedHashMap<>();
            long total = states.values().stream().mapToLong(Long::longValue).sum();
            states.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                    .forEach(e -> shares.put(e.getKey(), (double) e.getValue() / Math.max(1, samples)));
            return new Cell(servers, load, tasks / seconds, serverUs, postgresUs, clientUs, busy,
                    (double) (counters1[0] - counters0[0]) / tasks, (double) (counters1[1] - counters0[1]) / tasks,
                    (double) (counters1[2] - counters0[2]) / tasks, (double) (counters1[3] - counters0[3]) / tasks,
                    total == 0 ? Map.of() : shares, maxBackends);
        }

        /** Commits, WAL syncs, WAL bytes, index tuples read (all of the database's indexes). */
        private long[] counters() throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                           (SELECT wal_sync FROM pg_stat_wal), (SELECT wal_bytes FROM pg_stat_wal)::bigint,
                           (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes)::bigint""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
            }
        }

        private static long serverCpu(ServersPeer peer) {
            long sum = 0;
            for (PullqueuePeer s : peer.servers()) {
                sum += Procs.cpuNanos(s.pid());
            }
            return sum;
        }

        /**
         * Every process named postgres (the postmaster, the backends, the WAL writer, the checkpointer, autovacuum
         * workers) and, through the postmaster's children-time fields, those that ended since it started: backends
         * and autovacuum workers come and go during a cell.
         */
        private static long postgresCpu() {
            long sum = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    String pid = p.getFileName().toString();
                    if (!pid.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        if (!Files.readString(p.resolve("comm")).trim().equals("postgres")) {
                            continue;
                        }
                        String stat = Files.readString(p.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // utime, stime; for the postmaster (its parent is not postgres) also cutime, cstime
                        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        if (!isPostgres(f[1])) {
                            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
                        }
                        sum += ticks * 10_000_000L;
                    } catch (IOException | RuntimeException gone) {
                        // the process ended between the listing and the read
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return sum;
        }

        private static boolean isPostgres(String pid) {
            try {
                return Files.readString(Path.of("/proc", pid, "comm")).trim().equals("postgres");
            } catch (IOException e) {
                return false;
            }
        }

        private static long clientCpu() {
            return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
        }

        /** /proc/stat's first line: all jiffies, and idle + iowait jiffies. */
        private static long[] machine() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long all = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    all += Long.parseLong(f[i]);
                }
                return new long[] {all, Long.parseLong(f[4]) + Long.parseLong(f[5])};
            } catch (IOException e) {
                return new long[] {1, 0};
            }
        }
    }

    private static String report(List<Cell> cells, int workers, int seconds, long backlog, String load0,
                                 String load1, String args) {
        StringBuilder r = new StringBuilder();
        r.append("# Scale-out: N pullqueue servers on one PostgreSQL, ").append(LocalDate.now(ZoneOffset.UTC))
                .append("\n\n");
        r.append("`bench/scale-out ").append(args).append("` on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; load average before ").append(load0).append(", after ").append(load1)
                .append(". ").append(workers).append(" workers in all, spread evenly over the servers; each drain cell ")
                .append("runs ").append(seconds).append(" s (lease+delete in one call, `deleteNames`) from a backlog of ")
                .append(String.format("%,d", backlog)).append(" tasks; 1 KiB payloads; ")
                .append("every server, PostgreSQL and this driver share the same cores.\n\n");
        r.append("| servers | load | tasks/s | server CPU µs/task | PostgreSQL CPU µs/task | driver CPU µs/task"
                + " | machine busy | commits/task | WAL syncs/task | WAL bytes/task | index tuples read/task"
                + " | backends |\n");
        r.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : cells) {
            r.append(String.format("| %d | %s | %,.0f | %.1f | %.1f | %.1f | %.0f %% | %.3f | %.3f | %,.0f | %.2f | %d |%n",
                    c.servers(), c.load(), c.tasksPerSecond(), c.serverCpuUs(), c.postgresCpuUs(), c.clientCpuUs(),
                    100 * c.machineBusy(), c.commitsPerTask(), c.walSyncsPerTask(), c.walBytesPerTask(),
                    c.indexTuplesPerTask(), c.backends()));
        }
        r.append("\n## What PostgreSQL's backends were doing (average number of backends in each state, sampled every"
                + " 20 ms)\n\n");
        for (Cell c : cells) {
            r.append("- ").append(c.servers()).append(" server(s), ").append(c.load()).append(": ");
            List<String> parts = new ArrayList<>();
            c.backendStates().forEach((k, v) -> {
                if (v >= 0.05) {
                    parts.add(String.format("%s %.2f", k, v));
                }
            });
            r.append(String.join("; ", parts)).append('\n');
        }
        return r.toString();
    }
}
