package io.pullqueue.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import java.nio.file.Path;
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
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT k FROM t ORDER BY k")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        });
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), "condition not reached within 10 s");
            Thread.sleep(1);
        }
    }

    @Test
    void writesQueuedDuringACommitShareOneTransactionAndFailAlone() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long before = writer.transactions();
        // The first write holds the write lock until the others are queued behind it.
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

    @Test
    void aLoneWriteCommitsAtOnceAndItsFailureRollsBackOnlyItself() {
        assertEquals(1, writer.write("insert x", insert("x")));
        StoreException e = assertThrows(StoreException.class, () -> writer.write("insert y then fail", c -> {
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
}
