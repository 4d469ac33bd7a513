package io.pullqueue.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Group commit: writes queued during a commit share the next transaction, and each still succeeds or fails alone. */
class GroupCommitTest {
    @TempDir
    Path dir;

    private DataSource ds;
    private GroupCommit writer;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        ds = SqliteTaskStoreTest.dataSource(dir.resolve("g.db"));
        writer = new GroupCommit(ds);
        writer.write("create", c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("CREATE TABLE t(k TEXT PRIMARY KEY)");
            }
        });
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private static Jdbc.SqlWork<Integer> insert(String key) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(k) VALUES (?)")) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        };
    }

    private List<String> keys() {
        return Jdbc.autoCommit(ds, "read", c -> {
            List<String> keys = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT k FROM t ORDER BY k")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        });
    }

    /** Polls {@code condition} until it holds, failing after 10 s (also used by SqliteTaskStoreTest). */
    static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), "condition not reached within 10 s");
            Thread.sleep(1);
        }
    }

    /** Starts a write of key "a" that holds the write lock until {@code release} opens; returns once it holds it. */
    private Future<Integer> writeHeldUntil(CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        Future<Integer> first = pool.submit(() -> writer.write("first", c -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", ie);
            }
            return insert("a").run(c);
        }));
        inside.await();
        return first;
    }

    @Test
    void writesQueuedDuringACommitShareOneTransactionAndFailAlone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        long before = writer.transactions();
        // The first write holds the write lock until the others are queued behind it.
        Future<Integer> first = writeHeldUntil(release);
        List<Future<Integer>> others = new ArrayList<>();
        for (String k : List.of("b", "c", "d")) {
            others.add(pool.submit(() -> writer.write("insert " + k, insert(k))));
        }
        // A duplicate key fails inside the shared transaction.
        Future<Integer> duplicate = pool.submit(() -> writer.write("insert a again", insert("a")));
        Future<Integer> broken = pool.submit(() -> writer.write("insert e then fail", c -> {
            insert("e").run(c);
            throw new SQLException("work failed after its insert");
        }));
        await(() -> writer.queued() == 5);
        release.countDown();

        assertEquals(1, first.get());
        for (Future<Integer> f : others) {
            assertEquals(1, f.get());
        }
        Exception dup = assertThrows(Exception.class, duplicate::get);
        assertTrue(dup.getCause() instanceof StoreException, dup::toString);
        assertTrue(dup.getCause().getMessage().startsWith("task store: insert a again failed"), dup::toString);
        Exception e = assertThrows(Exception.class, broken::get);
        assertTrue(e.getCause().getMessage().contains("work failed after its insert"), e::toString);
        // "e" was rolled back with its own piece of work; everything else committed, in two transactions.
        assertEquals(List.of("a", "b", "c", "d"), keys());
        assertEquals(before + 2, writer.transactions());
    }

    /** Inserts its key; pieces of one group run as one unit, which fails whole if any of its keys is "boom". */
    private record Insert(String group, String key) implements GroupCommit.Combinable<Integer> {
        @Override
        public Integer run(Connection c) throws SQLException {
            return insert(key).run(c);
        }

        @Override
        public Object combineKey() {
            return group;
        }

        @Override
        public List<Integer> runTogether(Connection c, List<GroupCommit.Combinable<Integer>> pieces)
                throws SQLException {
            List<Integer> out = new ArrayList<>();
            for (GroupCommit.Combinable<Integer> p : pieces) {
                out.add(p.run(c));
            }
            if (pieces.stream().anyMatch(p -> ((Insert) p).key().equals("boom"))) {
                throw new SQLException("one piece of the unit failed");
            }
            return out;
        }
    }

    @Test
    void combinablePiecesRunAsOneUnitAndFailTogetherWhileTheOthersCommit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> first = writeHeldUntil(release);
        List<Future<Integer>> failing = new ArrayList<>();
        List<Future<Integer>> fine = new ArrayList<>();
        for (Insert w : List.of(
                new Insert("g", "b"),
                new Insert("h", "c"),
                new Insert("g", "boom"),
                new Insert("h", "d"),
                new Insert("g", "e"))) {
            (w.group().equals("g") ? failing : fine).add(pool.submit(() -> writer.write("insert " + w.key(), w)));
        }
        fine.add(pool.submit(() -> writer.write("insert f", insert("f"))));
        await(() -> writer.queued() == 6);
        long combined = writer.combined();
        release.countDown();

        assertEquals(1, first.get());
        for (Future<Integer> f : failing) {
            Exception e = assertThrows(Exception.class, f::get);
            assertTrue(e.getCause().getMessage().contains("one piece of the unit failed"), e::toString);
        }
        for (Future<Integer> f : fine) {
            assertEquals(1, f.get());
        }
        assertEquals(List.of("a", "c", "d", "f"), keys(), "the failed unit's inserts were all rolled back");
        assertEquals(combined + 5, writer.combined());
    }

    @Test
    void aLoneWriteCommitsAtOnceAndItsFailureRollsBackOnlyItself() {
        assertEquals(1, writer.write("insert x", insert("x")));
        StoreException e = assertThrows(
                StoreException.class,
                () -> writer.write("insert y then fail", c -> {
                    insert("y").run(c);
                    throw new SQLException("boom");
                }));
        assertEquals("task store: insert y then fail failed: boom", e.getMessage());
        assertEquals(List.of("x"), keys());
    }

    @Test
    void manyConcurrentWritersAllCommit() throws Exception {
        List<Future<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String k = String.format("k%03d", i);
            all.add(pool.submit(() -> writer.write("insert " + k, insert(k))));
        }
        for (Future<Integer> f : all) {
            assertEquals(1, f.get());
        }
        assertEquals(400, keys().size());
    }

    /**
     * A caller interrupted while its write waits behind a commit (Fault Tolerance's timeout interrupts a lease's
     * thread) still gets what was committed for it, and keeps its interrupt flag: its work was queued and may already
     * be in the next transaction, so it is never abandoned half-way.
     */
    @Test
    void aCallerInterruptedWhileWaitingGetsItsCommittedResultAndKeepsTheFlag() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> first = writeHeldUntil(release);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<Boolean> second = pool.submit(() -> {
            waiter.set(Thread.currentThread());
            return writer.write("second", insert("b")) == 1
                    && Thread.currentThread().isInterrupted();
        });
        await(() -> writer.queued() == 1 && waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
        waiter.get().interrupt();
        release.countDown();

        assertEquals(1, first.get());
        assertTrue(second.get(), "the interrupted write returned its count with the interrupt flag set");
        assertEquals(List.of("a", "b"), keys());
    }

    /**
     * A write that finds the database locked by another process past the busy timeout fails alone, and the
     * connection it used (a pool hands it out again) is fully usable afterwards: the next write is one
     * transaction again, not statements in auto-commit mode followed by a failing commit.
     */
    @Test
    void aLockedDatabaseFailsTheWriteAndLeavesTheConnectionUsable() throws Exception {
        SQLiteDataSource impatient = new SQLiteDataSource();
        impatient.setUrl("jdbc:sqlite:" + dir.resolve("g.db"));
        impatient.setBusyTimeout(50);
        impatient.setTransactionMode("IMMEDIATE");
        Connection shared = impatient.getConnection();
        GroupCommit onOneConnection = new GroupCommit(oneConnection(shared));
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("g.db"));
                Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            assertThrows(StoreException.class, () -> onOneConnection.write("locked", insert("a")));
            s.execute("ROLLBACK");
        }
        assertEquals(1, onOneConnection.write("after", insert("b")));
        assertThrows(
                StoreException.class,
                () -> onOneConnection.write("fails", c -> {
                    insert("c").run(c);
                    throw new SQLException("the work fails after its insert");
                }));
        assertEquals(List.of("b"), keys(), "the locked write left nothing; the failed one was rolled back");
        shared.close();
    }

    /** A data source that hands out the same connection every time, as a pool may. */
    private static DataSource oneConnection(Connection c) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return unclosable;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
