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
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The floor under a small call: what one worker's leases and deletes cost the store alone, with no server in
 * between (no HTTP, no JAX-RS, no EJB, no Fault Tolerance). pullqueue's own store classes run in this process on the
 * same data source settings as liberty/server.xml (SQLite: WAL, synchronous=FULL, IMMEDIATE transactions;
 * PostgreSQL: the machine's server, synchronous_commit on). One thread, 1 KiB payloads, 20,000 due tasks refilled
 * before each phase. A lease call of one task through the server costs at least this plus a no-op call: where this
 * alone takes longer than a no-op call, a lease of one cannot reach half the no-op rate at one connection.
 *
 * <p>Run from the repository after a build ({@code mvn -DskipTests package liberty:create}); see bench/store-floor.
 */
public class StoreFloor {
    private static final int BACKLOG = 20_000;
    private static final byte[] PAYLOAD = new byte[1024];
    private static long seq;

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        double seconds = Double.parseDouble(args[1]);
        Path dir = Files.createTempDirectory(Path.of(args.length > 2 ? args[2] : "."), "store-floor");
        String pgDb = "pullqueue_store_floor";
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
            admin("DROP DATABASE IF EXISTS " + pgDb + " WITH (FORCE)");
            admin("CREATE DATABASE " + pgDb);
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + pgDb);
            ds.setUser("postgres");
            store = new PostgresTaskStore(pooled(ds));
        }
        store.initialize();
        try {
            // Two rounds; the first warms the JIT and the database's caches.
            for (int round = 1; round <= 2; round++) {
                phase(store, kind, round, "lease-1", seconds, 1, false);
                phase(store, kind, round, "drain b1", seconds, 1, true);
                phase(store, kind, round, "drain b10", seconds, 10, true);
            }
        } finally {
            if (!kind.equals("sqlite")) {
                admin("DROP DATABASE IF EXISTS " + pgDb + " WITH (FORCE)");
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

    private static void phase(TaskStore store, String kind, int round, String name, double seconds, int batch,
            boolean delete) {
        fill(store);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long calls = 0;
        long tasks = 0;
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long now = System.currentTimeMillis() * 1000;
            List<Task> leased = store.taskLease(
                            new LeaseQuery("q", batch, TagFilter.ANY, now, now + 300_000_000L, null, now + 3_600_000_000L))
                    .leased();
            calls++;
            if (leased.isEmpty()) {
                fill(store);
                continue;
            }
            if (delete) {
                List<String> names = new ArrayList<>(leased.size());
                for (Task t : leased) {
                    names.add(t.name());
                }
                List<ErrorCode> done = store.taskDeleteMany("q", names, now, now + 3_600_000_000L);
                if (done.stream().anyMatch(c -> c != ErrorCode.OK)) {
                    throw new IllegalStateException("delete: " + done);
                }
                calls++;
            }
            tasks += leased.size();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3;
        System.out.printf(
                "%s round %d %-9s %8.0f calls/s %8.0f tasks/s  %6.1f µs per call (wall)  %6.1f µs CPU per call (this process)%n",
                kind, round, name, calls / wall, tasks / wall, wall * 1e6 / calls, cpuUs / calls);
    }

    /** Tops the queue up to the backlog (names that grow, as the server's own names do). */
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
