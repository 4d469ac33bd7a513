package io.pullqueue.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.TaskQuery;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.ConcurrentLeasing;
import io.pullqueue.store.OperatorStatements;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.TaskStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The store contract on a fresh SQLite file configured as in production, plus SQLite-only checks. */
class SqliteTaskStoreTest extends TaskStoreContract {

    @TempDir
    Path dir;

    /** A data source like liberty/server.xml's: WAL, synchronous FULL, busy timeout, IMMEDIATE transactions. */
    static DataSource dataSource(Path file) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        ds.setJournalMode("WAL");
        ds.setSynchronous("FULL");
        ds.setBusyTimeout(10_000);
        ds.setTransactionMode("IMMEDIATE");
        return ds;
    }

    private DataSource database() {
        return dataSource(dir.resolve("pullqueue.db"));
    }

    @Override
    protected TaskStore createStore() {
        return reopenStore();
    }

    @Override
    protected TaskStore reopenStore() {
        SqliteTaskStore store = new SqliteTaskStore(database());
        store.initialize();
        return store;
    }

    @Test
    void leaseSelectionReadsAnIndexRangeInOrder() throws SQLException {
        assertIndexRangeInOrder(SqliteSql.LEASE_CANDIDATES_ANY, "task_due");
        assertIndexRangeInOrder(SqliteSql.LEASE_CANDIDATES_TAG, "task_tag_due");
        assertIndexRangeInOrder(SqliteSql.LEASE_CANDIDATES_UNTAGGED, "task_tag_due");
        assertIndexRangeInOrder(SqliteSql.OLDEST_DUE_TAG, "task_due");
        assertIndexRangeInOrder(SqliteSql.EXHAUSTED_TASKS, "task_due");
        assertIndexRangeInOrder(SqliteSql.EXHAUSTED_TASKS_LIMIT_0, "task_due");
        assertIndexRangeInOrder(SqliteSql.NEVER_LEASABLE_TASKS, "task_own_limit_0");
    }

    @Test
    void countsReadOnlyTheIndex() throws SQLException {
        String plan = queryPlan(SqliteSql.QUEUE_COUNTS);
        assertEquals(4, plan.split("COVERING INDEX", -1).length - 1, plan);
        assertFalse(plan.contains("SCAN task"), plan);
    }

    /**
     * The console's searches in ETA order read a range of the due index, or of the tag index with a tag, for
     * every state, and never the whole table: a page costs about its size at any backlog.
     */
    @Test
    void searchesInEtaOrderReadAnIndexRange() throws SQLException {
        for (TaskQuery.State state : TaskQuery.State.values()) {
            for (TaskQuery.Order order : List.of(TaskQuery.Order.ETA, TaskQuery.Order.ETA_DESC)) {
                for (String tag : java.util.Arrays.asList(null, "red")) {
                    TaskQuery q = new TaskQuery(Q, state, Tag.of(tag), order, new TaskQuery.Cursor(NOW, "n"), 50, NOW);
                    String plan = queryPlan(OperatorStatements.searchStatement(SqliteSql.DIALECT, q)
                            .sql());
                    String index = tag == null ? "task_due" : "task_tag_due";
                    assertTrue(plan.contains("SEARCH task USING INDEX " + index + " (queue=?"), q + "\n" + plan);
                    assertFalse(plan.contains("SCAN task"), plan);
                }
            }
        }
    }

    private void assertIndexRangeInOrder(String sql, String index) throws SQLException {
        String plan = queryPlan(sql);
        assertTrue(plan.contains("SEARCH task USING INDEX " + index + " (queue=?"), plan);
        assertFalse(plan.contains("TEMP B-TREE"), plan);
    }

    private String queryPlan(String sql) throws SQLException {
        try (Connection c = database().getConnection();
                PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql);
                ResultSet rs = ps.executeQuery()) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
            return plan.toString();
        }
    }

    @Test
    void concurrentLeasesNeverHandOutATaskTwice() throws Exception {
        int total = 400;
        for (int b = 0; b < total / 100; b++) {
            List<NewTask> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(task("t" + (b * 100 + i), NOW - total + b * 100 + i));
            }
            store().taskAddMany(Q, batch, NOW);
        }

        List<String> leased = ConcurrentLeasing.leaseUntilEmpty(store(), Q, 8, 7, NOW, NOW + LEASE);

        assertEquals(total, leased.size(), "every task leased");
        assertEquals(total, leased.stream().distinct().count(), "no task leased twice");
        assertEquals(total, store().queueCounts(Q, NOW).leased());
    }

    /**
     * Leases queued behind a commit: those of one queue and filter run as one statement (GroupCommit counts them),
     * and each gets what leasing one after the other in queue order gives: the next oldest due tasks, its own
     * lease expiry, and no replacement for a task its slice removed by the retry limit.
     */
    @Test
    void leasesQueuedDuringACommitRunAsOneAndEachGetsTheNextOldestTasks() throws Exception {
        add(
                Q,
                task("t0", NOW - 10),
                task("t1", NOW - 9),
                task("t2", NOW - 8, null, 0),
                task("t3", NOW - 7),
                task("t4", NOW - 6),
                task("x0", NOW - 5, "x", null),
                task("x1", NOW - 1, "x", null));
        GroupCommit writer = ((SqliteTaskStore) store()).writer();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = pool.submit(() -> writer.write("hold the write lock", c -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            inside.await();
            long combinedBefore = writer.combined();
            List<Future<LeaseOutcome>> leases = new ArrayList<>();
            for (LeaseQuery q : List.of(
                    leaseQuery(2, TagFilter.ANY, NOW + LEASE),
                    leaseQuery(1, TagFilter.ANY, NOW + LEASE),
                    leaseQuery(5, TagFilter.tag("x"), NOW + LEASE),
                    leaseQuery(2, TagFilter.ANY, NOW + 2 * LEASE))) {
                int queuedBefore = writer.queued();
                leases.add(pool.submit(() -> store().taskLease(q)));
                GroupCommitTest.await(() -> writer.queued() > queuedBefore); // queue order is submission order
            }
            release.countDown();
            holder.get();

            assertEquals(List.of("t0", "t1"), names(leases.get(0).get().leased()));
            assertEquals(List.of(), names(leases.get(1).get().leased()), "t2 was past its retry limit");
            assertEquals(1, leases.get(1).get().removedByRetryLimit());
            assertEquals(List.of("x0", "x1"), names(leases.get(2).get().leased()));
            assertEquals(List.of("t3", "t4"), names(leases.get(3).get().leased()));
            assertEquals(3, writer.combined() - combinedBefore, "the three leases of any task ran as one");
            assertEquals(NOW + LEASE, store().taskGet(Q, "t1").orElseThrow().etaUsec());
            assertEquals(NOW + 2 * LEASE, store().taskGet(Q, "t4").orElseThrow().etaUsec());
            assertTrue(store().taskGet(Q, "t2").isEmpty(), "removed by the retry limit");
            assertEquals(List.of(), leaseNames(Q, NOW));
        } finally {
            pool.shutdownNow();
        }
    }

    private static LeaseQuery leaseQuery(int maxTasks, TagFilter filter, long newEtaUsec) {
        return new LeaseQuery(Q, maxTasks, filter, NOW, newEtaUsec, null, TOMBSTONE_EXPIRES);
    }

    @Test
    void failedBatchChangesNothing() {
        add(Q, task("old"));
        List<NewTask> batch = List.of(task("first"), new NewTask("broken", null, null, NOW, null));

        StoreException e = assertThrows(StoreException.class, () -> store().taskAddMany(Q, batch, NOW));

        assertTrue(e.getMessage().contains("add tasks to queue " + Q), e.getMessage());
        assertTrue(store().taskGet(Q, "first").isEmpty(), "the whole batch was rolled back");
        assertEquals(List.of("old"), names(store().taskList(Q, null, 10, false).tasks()));
        add(Q, task("after"));
    }

    @Test
    void unreachableDatabaseIsReportedNotThrownByIsReachable() {
        TaskStore broken =
                new SqliteTaskStore(dataSource(dir.resolve("missing-dir").resolve("x.db")));

        assertFalse(broken.isReachable());
        StoreException e = assertThrows(StoreException.class, () -> broken.taskGet(Q, "a"));
        assertTrue(e.getMessage().contains("read task a of queue " + Q), e.getMessage());
    }

    @Test
    void schemaVersionIsRecordedAndANewerDatabaseIsRefused() throws SQLException {
        try (Connection c = database().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(SqliteSchema.SELECT_SCHEMA_VERSION)) {
                rs.next();
                assertEquals(SqliteSchema.CURRENT_VERSION, rs.getInt(1));
            }
            s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + (SqliteSchema.CURRENT_VERSION + 1) + ")");
        }

        StoreException e = assertThrows(StoreException.class, this::reopenStore);
        assertTrue(e.getMessage().contains("schema version " + (SqliteSchema.CURRENT_VERSION + 1)), e.getMessage());
    }
}
