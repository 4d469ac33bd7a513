import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.postgres.PostgresTaskStore;
import io.pullqueue.store.sqlite.SqliteTaskStore;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The floor under a small call: what one worker's leases and deletes cost the store alone, with no server in
 * between (no HTTP, no JAX-RS, no EJB, no Fault Tolerance). pullqueue's own store classes run in this process on the
 * same data source settings as liberty/server.xml (SQLite: WAL, synchronous=FULL, IMMEDIATE transactions;
 * PostgreSQL: the machine's server, synchronous_commit on), 1, 4 and 16 threads, 1 KiB payloads, 100,000 due tasks
 * before each phase (which ends at its time cap or when they run out). A lease call of one task through the server
 * costs at least this plus a no-op call: where this alone takes longer than a no-op call, a lease of one cannot reach
 * half the no-op rate at one connection; and with many threads, what the store alone does on all cores bounds what a
 * server sharing them with its clients can do.
 *
 * <p>Run from the repository after a build ({@code mvn -DskipTests package}); see bench/store-floor.
 */
public class StoreFloor {
    private static final String PG_DB = "pullqueue_store_floor";
    private static final int BACKLOG = 100_000;
    private static final int[] THREADS = {1, 4, 16};
    private static final byte[] PAYLOAD = new byte[1024];
    private static long seq;

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("sqlite") || args[0].equals("postgres"))) {
            System.err.println("usage: StoreFloor sqlite|postgres SECONDS_PER_PHASE [SCRATCH_DIR]");
            System.exit(2);
        }
        String kind = args[0];
        double seconds = Double.parseDouble(args[1]);
        Path dir = Files.createTempDirectory(Path.of(args.length > 2 ? args[2] : "."), "store-floor");
        TaskStore store;
        if (kind.equals("sqlite")) {
            SQLiteDataSource ds = new SQLiteDataSource();
            ds.setUrl("jdbc:sqlite:" + dir.resolve("floor.db"));
            ds.setJournalMode("WAL");
            ds.setSynchronous("FULL");
            ds.setBusyTimeout(10_000);
            ds.setTransactionMode("IMMEDIATE");
            store = new SqliteTaskStore(pooled(ds));
        } else {
            admin("DROP DATABASE IF EXISTS " + PG_DB + " WITH (FORCE)");
            admin("CREATE DATABASE " + PG_DB);
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + PG_DB);
            ds.setUser("postgres");
            store = new PostgresTaskStore(pooled(ds));
        }
        store.initialize();
        try {
            // Two rounds; the first warms the JIT and the database's caches.
            for (int round = 1; round <= 2; round++) {
                for (int threads : THREADS) {
                    phase(store, kind, round, "lease-1", seconds, threads, 1, false);
                    phase(store, kind, round, "drain b1", seconds, threads, 1, true);
                    phase(store, kind, round, "drain b10", seconds, threads, 10, true);
                }
            }
        } finally {
            if (!kind.equals("sqlite")) {
                admin("DROP DATABASE IF EXISTS " + PG_DB + " WITH (FORCE)");
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        System.exit(0); // the PostgreSQL store's listener thread
    }

    private static void phase(
            TaskStore store, String kind, int round, String name, double seconds, int threads, int batch,
            boolean delete) throws InterruptedException {
        fill(store);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        LongAdder calls = new LongAdder();
        LongAdder tasks = new LongAdder();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int w = 0; w < threads; w++) {
            // Each worker stops at the time cap or when the backlog runs out (its lease finds nothing).
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long now = System.currentTimeMillis() * 1000;
                    List<Task> leased = store.taskLease(new LeaseQuery(
                                    "q", batch, TagFilter.ANY, now, now + 300_000_000L, null, now + 3_600_000_000L))
                            .leased();
                    if (leased.isEmpty()) {
                        return;
                    }
                    calls.increment();
                    if (delete) {
                        List<String> names = new ArrayList<>(leased.size());
                        for (Task t : leased) {
                            names.add(t.name());
                        }
                        List<ErrorCode> done = store.taskDeleteMany("q", names, now, now + 3_600_000_000L);
                        if (done.stream().anyMatch(c -> c != ErrorCode.OK)) {
                            throw new IllegalStateException("delete: " + done);
                        }
                        calls.increment();
                    }
                    tasks.add(leased.size());
                }
            });
            worker.setUncaughtExceptionHandler((t, e) -> failed.compareAndSet(null, e));
            worker.start();
            workers.add(worker);
        }
        for (Thread t : workers) {
            t.join();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("a worker failed in " + kind + " " + name, failed.get());
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3;
        long n = calls.sum();
        System.out.printf(
                "%s round %d %-9s %2d threads %8.0f calls/s %8.0f tasks/s  %7.1f µs per call (wall, one thread)"
                        + "  %6.1f µs CPU per call (this process)%n",
                kind, round, name, threads, n / wall, tasks.sum() / wall, wall * 1e6 * threads / n, cpuUs / n);
    }

    /**
     * Tops the queue up to the backlog (names that grow, as the server's own names do). On PostgreSQL it then
     * vacuums, as the server's maintenance pass would have meanwhile (autovacuum may be off).
     */
    private static void fill(TaskStore store) {
        long now = System.currentTimeMillis() * 1000;
        long due = store.queueCounts("q", now).due();
        List<NewTask> batch = new ArrayList<>();
        for (long i = due; i < BACKLOG; i++) {
            batch.add(new NewTask(String.format("t%012d", seq++), PAYLOAD, null, 0, null, true));
            if (batch.size() == 500) {
                store.taskAddMany("q", batch, now);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.taskAddMany("q", batch, now);
        }
        if (store instanceof PostgresTaskStore) {
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:5432/" + PG_DB, "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("VACUUM (ANALYZE) task, tombstone");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Connections kept open and handed out again, as Liberty's pool does (a new connection per transaction would
     * measure opening connections): a closed handle goes back to the pool with auto-commit on.
     */
    private static DataSource pooled(DataSource ds) {
        Deque<Connection> idle = new ConcurrentLinkedDeque<>();
        return (DataSource) Proxy.newProxyInstance(
                StoreFloor.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (!m.getName().equals("getConnection")) {
                        return m.invoke(ds, a);
                    }
                    Connection c = idle.pollFirst();
                    Connection real = c != null ? c : ds.getConnection();
                    return Proxy.newProxyInstance(
                            StoreFloor.class.getClassLoader(), new Class<?>[] {Connection.class}, (cp, cm, ca) -> {
                                if (cm.getName().equals("close")) {
                                    if (!real.getAutoCommit()) {
                                        real.rollback();
                                        real.setAutoCommit(true);
                                    }
                                    idle.addFirst(real);
                                    return null;
                                }
                                if (cm.getName().equals("unwrap") && ((Class<?>) ca[0]).isInstance(real)) {
                                    return real;
                                }
                                try {
                                    return cm.invoke(real, ca);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
