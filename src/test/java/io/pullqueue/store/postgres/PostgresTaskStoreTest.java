package io.pullqueue.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.LeaseFigures;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.StoreDiagnostics;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.ConcurrentLeasing;
import io.pullqueue.store.SchemaMigrations;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.TaskStoreContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract on a real PostgreSQL (a schema per test in a database of its own), plus what only a shared
 * database needs: several stores over one database stand for several server instances.
 */
@ExtendWith(TestDatabase.PerClass.class)
class PostgresTaskStoreTest extends TaskStoreContract {
    private String schema;
    private final List<TaskStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(TaskStore::close);
    }

    @Override
    protected TaskStore createStore() {
        try {
            schema = TestDatabase.newSchema();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return reopenStore();
    }

    @Override
    protected TaskStore reopenStore() {
        PostgresTaskStore store = new PostgresTaskStore(TestDatabase.dataSource(schema));
        store.initialize();
        opened.add(store);
        return store;
    }

    private void addMany(int total) {
        for (int b = 0; b < total / 100; b++) {
            List<NewTask> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(task("t" + (b * 100 + i), NOW - total + b * 100 + i));
            }
            store().taskAddMany(Q, batch, NOW);
        }
    }

    @Test
    void twoInstancesLeasingAtOnceNeverHandOutATaskTwice() throws Exception {
        int total = 2000;
        addMany(total);
        List<TaskStore> instances = List.of(store(), reopenStore());

        List<String> leased = ConcurrentLeasing.leaseUntilEmpty(instances, Q, 8, 7, NOW, NOW + LEASE);

        assertEquals(total, leased.size(), "every task leased");
        assertEquals(total, leased.stream().distinct().count(), "no task leased twice");
        assertEquals(total, store().queueCounts(Q, NOW).leased());
    }

    @Test
    void aLeaseSkipsRowsAnotherTransactionHoldsInsteadOfWaiting() throws Exception {
        add(Q, task("held-1", NOW - 3), task("held-2", NOW - 2), task("free", NOW - 1));
        try (Connection other = TestDatabase.dataSource(schema).getConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("SELECT name FROM task WHERE name IN ('held-1', 'held-2') FOR UPDATE");
            }
            // The other transaction keeps its locks while we lease; a waiting lease would never return.
            List<String> names =
                    CompletableFuture.supplyAsync(() -> leaseNames(Q, NOW)).get(30, TimeUnit.SECONDS);
            assertEquals(List.of("free"), names);
            other.rollback();
        }
        assertEquals(List.of("held-1", "held-2"), leaseNames(Q, NOW), "taken once the other transaction ended");
    }

    @Test
    void instancesStartingTogetherCreateTheSchemaOnce() throws Exception {
        String fresh = TestDatabase.newSchema();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(pool.submit(() -> {
                    go.await();
                    PostgresTaskStore s = new PostgresTaskStore(TestDatabase.dataSource(fresh));
                    s.initialize();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : starts) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = TestDatabase.dataSource(fresh).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), max(version) FROM schema_version")) {
            rs.next();
            assertEquals(PostgresSchema.MIGRATIONS.currentVersion(), rs.getInt(1), "each migration recorded once");
            assertEquals(PostgresSchema.MIGRATIONS.currentVersion(), rs.getInt(2));
        }
    }

    @Test
    void aNewerSchemaIsRefused() throws SQLException {
        int newer = PostgresSchema.MIGRATIONS.currentVersion() + 1;
        try (Connection c = TestDatabase.dataSource(schema).getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + newer + ")");
            try (ResultSet rs = s.executeQuery(SchemaMigrations.SELECT_SCHEMA_VERSION)) {
                rs.next();
                assertEquals(newer, rs.getInt(1));
            }
        }

        StoreException e = assertThrows(StoreException.class, this::reopenStore);
        assertTrue(e.getMessage().contains("schema version " + newer), e.getMessage());
    }

    @Test
    void tasksAddedThroughOneInstanceWakeTheOther() throws Exception {
        List<String> woken = new CopyOnWriteArrayList<>();
        PostgresTaskStore watcher = (PostgresTaskStore) reopenStore();
        watcher.watchOtherInstances(woken::add);
        long before = watcher.notificationsReceived();
        // The LISTEN connection may still be opening: add until a notification arrives.
        await(() -> {
            store().taskAddMany(Q, List.of(task("n" + System.nanoTime())), NOW);
            return watcher.notificationsReceived() > before;
        });
        assertTrue(woken.contains(Q), woken::toString);

        long beforeRelease = watcher.notificationsReceived();
        add(OTHER, task("r"));
        long token = lease(OTHER, 1, TagFilter.ANY, NOW).leased().get(0).etaUsec();
        await(() -> watcher.notificationsReceived() > beforeRelease);
        woken.clear();
        store().taskModifyLease(OTHER, "r", token, NOW + 1, NOW + 1);
        await(() -> woken.contains(OTHER));
    }

    /**
     * The announcement goes out after the add committed (from a thread of its own, so that adds commit together):
     * an instance woken by it finds the task there, every time.
     */
    @Test
    void anInstanceWokenByAnAddAlwaysFindsTheTask() throws Exception {
        PostgresTaskStore watcher = (PostgresTaskStore) reopenStore();
        List<Long> dueWhenWoken = new CopyOnWriteArrayList<>();
        watcher.watchOtherInstances(queue -> {
            if (queue.equals(OTHER)) {
                dueWhenWoken.add(watcher.queueCounts(OTHER, NOW).due());
            }
        });
        // The LISTEN connection may still be opening: add to Q until a notification arrives.
        long before = watcher.notificationsReceived();
        await(() -> {
            store().taskAddMany(Q, List.of(task("w" + System.nanoTime())), NOW);
            return watcher.notificationsReceived() > before;
        });
        for (int i = 1; i <= 20; i++) {
            add(OTHER, task("o" + i));
            int added = i;
            await(() -> dueWhenWoken.size() >= added);
            assertTrue(dueWhenWoken.get(added - 1) >= added, "woken before the add was visible: " + dueWhenWoken);
        }
    }

    @Test
    void diagnosticsReportLiveAndDeadRows() throws InterruptedException {
        add(Q, task("a"), task("b"));
        delete(Q, "a");

        // The statistics collector counts with a delay of up to a second or so.
        await(() -> dead("task") >= 1);
        StoreDiagnostics d = store().diagnostics();
        assertTrue(d.tables().get("task").live() >= 1, d::toString);
        assertTrue(d.tables().containsKey("tombstone"), d::toString);
        assertTrue(d.notificationsReceived().isPresent(), d::toString);
        assertEquals("postgres", store().kind());
    }

    private long dead(String table) {
        StoreDiagnostics.TableRows rows = store().diagnostics().tables().get(table);
        return rows == null ? 0 : rows.dead();
    }

    @Test
    void deadRowsPastTheThresholdAreVacuumedByTheMaintenancePass() throws Exception {
        int total = (int) TableBloat.MIN_DEAD / 2;
        addMany(total);
        assertEquals(0, store().reclaimSpace(), "no dead rows yet");
        // Each task leased once and deleted: two dead row versions per task.
        List<String> leased = ConcurrentLeasing.leaseUntilEmpty(store(), Q, 2, 1000, NOW, NOW + LEASE);
        for (int from = 0; from < leased.size(); from += 1000) {
            store().taskDeleteMany(Q, leased.subList(from, from + 1000), NOW, TOMBSTONE_EXPIRES);
        }
        await(() -> dead("task") >= TableBloat.MIN_DEAD);

        assertEquals(1, store().reclaimSpace(), "the task table was vacuumed; the tombstones have no dead rows");
        await(() -> dead("task") < TableBloat.MIN_DEAD);
        assertEquals(0, store().reclaimSpace());
    }

    /**
     * A VACUUM that a large drain or purge left to do runs for longer than the socket timeout that bounds every
     * other statement; it must not be cut off by it (and then started again on every maintenance pass). Here the
     * store's connections give up on a statement after 1 s, and the VACUUM is held for longer by a lock.
     */
    @Test
    void aVacuumOutlastsTheSocketTimeoutOfOrdinaryStatements() throws Exception {
        addMany((int) TableBloat.MIN_DEAD / 2);
        List<String> leased = ConcurrentLeasing.leaseUntilEmpty(store(), Q, 2, 1000, NOW, NOW + LEASE);
        for (int from = 0; from < leased.size(); from += 1000) {
            store().taskDeleteMany(Q, leased.subList(from, from + 1000), NOW, TOMBSTONE_EXPIRES);
        }
        await(() -> dead("task") >= TableBloat.MIN_DEAD);
        org.postgresql.ds.PGSimpleDataSource impatient =
                (org.postgresql.ds.PGSimpleDataSource) TestDatabase.dataSource(schema);
        impatient.setSocketTimeout(1);
        PostgresTaskStore store = new PostgresTaskStore(impatient);
        store.initialize();
        opened.add(store);
        try (Connection holder = TestDatabase.dataSource(schema).getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE task IN SHARE UPDATE EXCLUSIVE MODE"); // what VACUUM needs; leases do not
            }
            CompletableFuture<Integer> vacuum = CompletableFuture.supplyAsync(store::reclaimSpace);
            await(() -> vacuumWaitedSeconds() >= 3); // well past the 1 s socket timeout
            holder.commit();
            assertEquals(1, vacuum.get(60, TimeUnit.SECONDS), "the task table was vacuumed");
        }
    }

    private double vacuumWaitedSeconds() {
        try (Connection c = TestDatabase.dataSource(schema).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(extract(epoch FROM now() - query_start)), 0) "
                        + "FROM pg_stat_activity WHERE query LIKE 'VACUUM%' AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getDouble(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A queue drained and vacuumed while leases held its table (so its empty pages stayed) is on record as pages
     * with no rows; filled again, the planner estimates one row. Leases then must not look up their picked tasks in
     * a way planned from that estimate, and the maintenance pass counts the table again, after which a lookup by
     * name goes through the primary key instead of scanning the queue.
     */
    @Test
    void statisticsTakenWhileTheQueueWasEmptyDoNotStallLeasesAndTheMaintenancePassCountsAgain() throws Exception {
        int total = 5_000;
        addNamed("first-", total);
        List<String> drained = ConcurrentLeasing.leaseUntilEmpty(store(), Q, 2, 1000, NOW, NOW + LEASE);
        for (int from = 0; from < drained.size(); from += 1000) {
            store().taskDeleteMany(Q, drained.subList(from, from + 1000), NOW, TOMBSTONE_EXPIRES);
        }
        try (Connection c = TestDatabase.dataSource(schema).getConnection();
                Statement s = c.createStatement()) {
            // What a VACUUM that could not take the table to cut its empty end leaves on record.
            s.execute("VACUUM (ANALYZE, TRUNCATE false) task");
        }
        addNamed("second-", total);
        await(() -> estimate("task").liveRows() >= total); // the statistics collector has seen the adds
        assertTrue(
                estimate("task").stale(),
                "the planner counts far fewer rows than the queue holds: " + estimate("task"));

        for (String sql : List.of(PostgresSql.LEASE_ANY, PostgresSql.LEASE_TAG, PostgresSql.LEASE_OLDEST_TAG)) {
            String plan = plan(sql);
            assertTrue(plan.contains("Tid Scan on task t"), "picked tasks are updated by their address:\n" + plan);
        }
        assertEquals(
                List.of("second-0", "second-1", "second-2"),
                names(lease(Q, 3, TagFilter.ANY, NOW).leased()));

        assertEquals(0, store().reclaimSpace(), "nothing to vacuum");
        assertTrue(!estimate("task").stale(), "counted again by the maintenance pass: " + estimate("task"));
        String delete = plan("DELETE FROM task WHERE queue = ? AND name = ANY (?)");
        assertTrue(delete.contains("task_pkey"), "a delete by name goes through the primary key:\n" + delete);
    }

    /**
     * A statement's plan is kept for its connection's life. The tombstone table starts empty and only grows, so an
     * add's check of its names against the tombstones, planned while there were a few, read every tombstone of the
     * queue once there were tens of thousands (adds of 100 took 0.2-0.5 s). The maintenance pass counts a table
     * never counted once it holds enough rows, which makes every connection plan its statements again; and planned
     * again, the check must not take the expiry index for selective (every tombstone it would read is live).
     */
    @Test
    void aTombstoneCheckPlannedWhileTheTableWasSmallIsPlannedAgainOnceItGrew() throws Exception {
        addNamed("few-", 100);
        store().taskDeleteMany(Q, names("few-", 10), NOW, TOMBSTONE_EXPIRES);
        try (Connection c = TestDatabase.dataSource(schema).getConnection();
                Statement s = c.createStatement()) {
            // As a server's pooled connection holds it: prepared once, its generic plan kept.
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE live AS " + numbered(PostgresSql.TOMBSTONES_OF));
            String small = explain(s, "EXPLAIN EXECUTE live('" + Q + "', '{few-1}')");
            assertTrue(!namesInIndexCondition(small), "with ten tombstones the names are only a filter:\n" + small);

            int total = (int) TablePlanStats.MIN_ROWS * 2;
            addNamed("many-", total);
            List<String> many = names("many-", total);
            for (int from = 0; from < total; from += 1000) {
                store().taskDeleteMany(Q, many.subList(from, from + 1000), NOW, TOMBSTONE_EXPIRES);
            }
            await(() -> estimate("tombstone").liveRows() >= total); // the statistics collector has seen them
            assertTrue(estimate("tombstone").stale(), "never counted: " + estimate("tombstone"));

            store().reclaimSpace();
            assertTrue(!estimate("tombstone").stale(), "counted by the maintenance pass: " + estimate("tombstone"));
            String grown = explain(s, "EXPLAIN EXECUTE live('" + Q + "', '{few-1}')");
            assertTrue(
                    namesInIndexCondition(grown),
                    "planned again: the names are looked up in the primary key:\n" + grown);
        }
    }

    /**
     * Lease calls that come while a lease of the same queue runs wait for it, then run as one statement; each gets
     * the next oldest tasks in the order the calls came, as if they had run one after the other.
     */
    @Test
    void leasesThatComeWhileALeaseRunsRunAsOneAndEachGetsTheNextOldestTasks() throws Exception {
        addNamed("t-", 100);
        PostgresTaskStore pg = (PostgresTaskStore) store();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Connection blocker = TestDatabase.dataSource(schema).getConnection();
                Statement s = blocker.createStatement();
                Connection watcher = TestDatabase.dataSource(schema).getConnection();
                Statement w = watcher.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("LOCK TABLE " + schema + ".queue_state IN ACCESS EXCLUSIVE MODE"); // the lease reads it
            Future<List<String>> first = pool.submit(() -> leasedNames(2));
            // pg_stat_activity is read once per transaction: watched from a connection in auto-commit mode
            await(() -> leaseWaitsForALock(w));
            Future<List<String>> a = pool.submit(() -> leasedNames(3));
            await(() -> pg.leasesWaiting(Q) == 1);
            Future<List<String>> b = pool.submit(() -> leasedNames(1));
            await(() -> pg.leasesWaiting(Q) == 2);
            Future<List<String>> c = pool.submit(() -> leasedNames(4));
            await(() -> pg.leasesWaiting(Q) == 3);
            assertEquals(0, pg.combinedLeases());

            blocker.rollback();

            assertEquals(List.of("t-0", "t-1"), first.get(20, TimeUnit.SECONDS));
            assertEquals(List.of("t-2", "t-3", "t-4"), a.get(20, TimeUnit.SECONDS));
            assertEquals(List.of("t-5"), b.get(20, TimeUnit.SECONDS));
            assertEquals(List.of("t-6", "t-7", "t-8", "t-9"), c.get(20, TimeUnit.SECONDS));
            assertEquals(1, pg.combinedLeases(), "the three that waited ran as one");
            assertEquals(
                    90,
                    store().taskList(Q, null, 1000, false).tasks().stream()
                            .filter(t -> t.etaUsec() <= NOW)
                            .count());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> leasedNames(int max) {
        List<String> out = new ArrayList<>();
        lease(Q, max, TagFilter.ANY, NOW).leased().forEach(t -> out.add(t.name()));
        return out;
    }

    private static boolean leaseWaitsForALock(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static boolean namesInIndexCondition(String plan) {
        return plan.lines().anyMatch(l -> l.contains("Index Cond") && l.contains("name = ANY"));
    }

    private static String explain(Statement s, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    private void addNamed(String prefix, int total) {
        for (int b = 0; b < total / 100; b++) {
            List<NewTask> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(task(prefix + (b * 100 + i), NOW - total + b * 100 + i));
            }
            store().taskAddMany(Q, batch, NOW);
        }
    }

    private TablePlanStats.Estimate estimate(String table) {
        try (Connection c = TestDatabase.dataSource(schema).getConnection()) {
            return TablePlanStats.estimates(c).stream()
                    .filter(e -> e.table().equals(table))
                    .findFirst()
                    .orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void leaseStatementPicksFromTheIndexInOrder() throws SQLException {
        for (String sql : List.of(
                PostgresSql.LEASE_ANY,
                PostgresSql.LEASE_ANY_FROM,
                PostgresSql.LEASE_ANY_BELOW,
                PostgresSql.LEASE_TAG,
                PostgresSql.LEASE_OLDEST_TAG)) {
            String plan = plan(sql);
            assertTrue(plan.contains("task_due") || plan.contains("task_tag_due"), plan);
        }
    }

    @Test
    void aLeaseFromTheFloorStartsItsIndexScanThereNotAtTheQueuesStart() throws SQLException {
        // The point of the floor: the index scan descends to it, past the dead entries that taken tasks leave at
        // the front of the queue, instead of filtering them one by one.
        String plan = plan(PostgresSql.LEASE_ANY_FROM);
        assertTrue(
                plan.matches(
                        "(?s).*Index Cond: \\(\\(queue = \\$2\\) AND \\(eta_usec <= \\$3\\) AND \\(eta_usec >= \\$4\\)\\).*"),
                plan);
    }

    @Test
    void aTaskAnotherServerAddsBelowTheFloorIsLeasedWithinASecond() {
        add(Q, task("t1", NOW - 10), task("t2", NOW - 9), task("t3", NOW - 8));
        assertEquals(List.of("t1"), names(lease(Q, 1, TagFilter.ANY, NOW).leased()), "a full batch: a floor at t1");
        TaskStore other = reopenStore();
        other.taskAddMany(Q, List.of(task("old", NOW - 20)), NOW);

        // This server does not know of the other's add: for up to a second its leases start at the floor.
        assertEquals(
                List.of("t2"),
                names(lease(Q, 1, TagFilter.ANY, NOW + SECOND / 2).leased()));
        assertEquals(
                List.of("old"),
                names(lease(Q, 1, TagFilter.ANY, NOW + SECOND).leased()),
                "a second after the scan that set the floor, a lease scans from the start again");
    }

    @Test
    void aShortLeaseFromTheFloorLooksBelowItInTheSameCall() {
        add(Q, task("t1", NOW - 10), task("t2", NOW - 9));
        assertEquals(List.of("t1"), names(lease(Q, 1, TagFilter.ANY, NOW).leased()));
        reopenStore().taskAddMany(Q, List.of(task("old", NOW - 20)), NOW);

        assertEquals(
                List.of("old", "t2"),
                names(lease(Q, 5, TagFilter.ANY, NOW).leased()),
                "never fewer tasks than are due, in ETA order");
        assertEquals(List.of(), leaseNames(Q, NOW), "none twice");
    }

    @Test
    void thisServersAddOfAnOlderTaskLowersItsFloorAtOnce() {
        add(Q, task("t1", NOW - 10), task("t2", NOW - 9), task("t3", NOW - 8));
        assertEquals(List.of("t1"), names(lease(Q, 1, TagFilter.ANY, NOW).leased()));
        add(Q, task("old", NOW - 20));

        assertEquals(List.of("old"), names(lease(Q, 1, TagFilter.ANY, NOW).leased()));
    }

    @Test
    void aTaskHeldBelowTheFloorByATransactionThatRollsBackIsLeasedAgain() throws Exception {
        add(Q, task("held", NOW - 20), task("t1", NOW - 10), task("t2", NOW - 9), task("t3", NOW - 8));
        try (Connection other = TestDatabase.dataSource(schema).getConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("SELECT name FROM task WHERE name = 'held' FOR UPDATE");
            }
            assertEquals(List.of("t1"), names(lease(Q, 1, TagFilter.ANY, NOW).leased()), "held is skipped");
            other.rollback();
        }
        assertEquals(
                List.of("held", "t2", "t3"),
                names(lease(Q, 5, TagFilter.ANY, NOW).leased()),
                "held comes back once the other transaction ends, first in ETA order");
    }

    private String plan(String sql) throws SQLException {
        DataSource ds = TestDatabase.dataSource(schema);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE p AS " + numbered(sql));
            StringBuilder out = new StringBuilder();
            String args = String.join(", ", java.util.Collections.nCopies(count(sql), "NULL"));
            try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE p(" + args + ")")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        }
    }

    private static int count(String sql) {
        return (int) sql.chars().filter(ch -> ch == '?').count();
    }

    private static String numbered(String sql) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            b.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        }
        return b.toString();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), "condition not reached within 20 s");
            Thread.sleep(20);
        }
    }

    /**
     * An add of a name whose task another instance is deleting: PostgreSQL's insert waits for the delete's row lock,
     * then finds no row. Once a V1beta2FuzzIT run found the task stored after its delete was acknowledged (the add
     * had inserted it over the new tombstone); the add must be refused by the tombstone instead.
     */
    @Test
    void anAddThatWaitedForADeleteOfItsNameIsRefusedByTheTombstone() throws Exception {
        add(Q, task("n"));
        DataSource ds = TestDatabase.dataSource(schema);
        CompletableFuture<List<io.pullqueue.core.ErrorCode>> adding;
        try (Connection deleter = ds.getConnection();
                Connection watcher = ds.getConnection()) {
            deleter.setAutoCommit(false);
            assertEquals(
                    List.of(io.pullqueue.core.ErrorCode.OK),
                    PostgresDeletes.delete(deleter, Q, List.of("n"), NOW, TOMBSTONE_EXPIRES));
            adding = CompletableFuture.supplyAsync(() -> store().taskAddMany(Q, List.of(task("n")), NOW));
            await(() -> waitsForALock(watcher)); // the add's insert waits for the uncommitted delete
            deleter.commit();
        }
        assertEquals(List.of(io.pullqueue.core.ErrorCode.TOMBSTONED_TASK), adding.get(20, TimeUnit.SECONDS));
        assertTrue(store().taskGet(Q, "n").isEmpty(), "the deleted name is not stored again");
        assertTrue(store().tombstoneExists(Q, "n", NOW));
    }

    /**
     * A delete that meets a task another transaction is changing (a lease moved, which writes a new version of its
     * row elsewhere in the table) waits for it and then deletes the task as it now is.
     */
    @Test
    void aDeleteThatWaitedForALeaseChangeDeletesTheTaskAsChanged() throws Exception {
        add(Q, task("n"), task("other"));
        DataSource ds = TestDatabase.dataSource(schema);
        CompletableFuture<List<io.pullqueue.core.ErrorCode>> deleting;
        try (Connection leaser = ds.getConnection();
                Connection watcher = ds.getConnection()) {
            leaser.setAutoCommit(false);
            try (Statement s = leaser.createStatement()) {
                assertEquals(1, s.executeUpdate("UPDATE task SET eta_usec = eta_usec + 1 WHERE name = 'n'"));
            }
            deleting = CompletableFuture.supplyAsync(
                    () -> store().taskDeleteMany(Q, List.of("n", "other"), NOW, TOMBSTONE_EXPIRES));
            await(() -> waitsForALock(watcher)); // the delete waits for the uncommitted change
            leaser.commit();
        }
        assertEquals(
                List.of(io.pullqueue.core.ErrorCode.OK, io.pullqueue.core.ErrorCode.OK),
                deleting.get(20, TimeUnit.SECONDS));
        assertTrue(store().taskGet(Q, "n").isEmpty(), "deleted in its changed version");
        assertTrue(store().tombstoneExists(Q, "n", NOW));
    }

    private static boolean waitsForALock(Connection c) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void leaseQueryOnAnotherInstanceSeesTheSameData() {
        add(Q, task("a"));
        TaskStore other = reopenStore();
        LeaseQuery q = new LeaseQuery(Q, 10, TagFilter.ANY, NOW, NOW + LEASE, null, TOMBSTONE_EXPIRES);

        assertEquals(1, other.taskLease(q).leased().size());
        assertEquals(0, store().taskLease(q).leased().size());
    }

    @Test
    void theLeaseThrottleAndTheLeasedFiguresAreSharedByEveryInstance() {
        LeaseFigures a = store().leaseFigures();
        LeaseFigures b = reopenStore().leaseFigures();
        long second = NOW - Math.floorMod(NOW, 1_000_000L);
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            LeaseFigures via = i % 2 == 0 ? a : b;
            if (via.tryAcquire(Q, 10, second + i * 1000L)) {
                allowed++;
            }
        }
        assertEquals(10, allowed, "20 calls in one second over two instances: the first 10 may return tasks");
        assertTrue(b.tryAcquire(Q, 10, second + 1_000_000), "a new second, a new budget");
        assertTrue(a.tryAcquire("other", 10, second), "per queue");
        assertTrue(a.tryAcquire(Q, 0, second), "0 = unlimited");

        a.record(Q, 3, second);
        b.record(Q, 4, second - 59_000_000);
        a.record(Q, 5, second - 60_000_000);
        b.record(Q, 6, second - 3_600_000_000L);
        a.record(Q, 0, second);
        // b's counts reach the database when b flushes (its maintenance timer does every second); a reads its own
        // at once, written or held back.
        b.flush();
        assertEquals(new LeaseFigures.Leased(7, 12), a.leased(Q, second + 999_999));
        assertEquals(new LeaseFigures.Leased(7, 12), b.leased(Q, second));
        assertEquals(new LeaseFigures.Leased(0, 0), b.leased("other", second));

        assertEquals(1, a.forget(second, 100), "only the second an hour back is forgotten");
        assertEquals(new LeaseFigures.Leased(7, 12), b.leased(Q, second));
    }
}
