package io.pullqueue.store.sqlite;

import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sqlite.SQLiteDataSource;

/**
 * How long the console's task pages take on SQLite with 100 queues and 1,000,000 tasks (not a test: a benchmark,
 * run by hand; see docs/console.md). One queue holds 901,000 tasks: 1 % tagged red, 49 % blue, the rest untagged;
 * 10 % not yet due, 1,000 leased; the other 99 queues 1,000 each. Each search runs first page and the tenth page
 * (followed by cursor) 30 times; the median and the slowest are printed.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.pullqueue.store.sqlite.ConsolePageBenchmark
 * </pre>
 */
public final class ConsolePageBenchmark {
    private static final long SECOND = 1_000_000L;
    private static final String BIG = "big";

    private ConsolePageBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("console-bench");
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("pullqueue.db"));
        ds.setJournalMode("WAL");
        ds.setSynchronous("OFF"); // filling only; the reads measured do not depend on it
        ds.setBusyTimeout(10_000);
        ds.setTransactionMode("IMMEDIATE");
        SqliteTaskStore store = new SqliteTaskStore(ds);
        store.initialize();
        long now = System.currentTimeMillis() * 1000;
        long t0 = System.nanoTime();
        fill(store, BIG, 901_000, now);
        for (int q = 1; q < 100; q++) {
            fill(store, String.format(Locale.ROOT, "q-%03d", q), 1_000, now);
        }
        for (int i = 0; i < 1000; i++) {
            store.taskLease(new LeaseQuery(BIG, 1, TagFilter.ANY, now, now + 3600 * SECOND, null, now));
        }
        // No ANALYZE, as on a server: SQLite plans without statistics.
        System.out.printf(Locale.ROOT, "filled 1,000,000 tasks in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        for (TaskQuery.State state : TaskQuery.State.values()) {
            for (String tag : Arrays.asList(null, "red", "blue")) {
                measure(store, new TaskQuery(BIG, state, Tag.of(tag), TaskQuery.Order.ETA, null, 50, now));
            }
        }
        measure(store, new TaskQuery(BIG, TaskQuery.State.ANY, null, TaskQuery.Order.ETA_DESC, null, 50, now));
        measure(store, new TaskQuery(BIG, TaskQuery.State.DUE, Tag.of("red"), TaskQuery.Order.ETA_DESC, null, 50, now));
        measure(store, new TaskQuery(BIG, TaskQuery.State.ANY, null, TaskQuery.Order.NAME, null, 50, now));
        long c0 = System.nanoTime();
        store.queueCounts(BIG, now);
        System.out.printf(Locale.ROOT, "queue counts of %s: %.1f ms%n", BIG, (System.nanoTime() - c0) / 1e6);
    }

    private static void fill(SqliteTaskStore store, String queue, int n, long now) {
        List<NewTask> batch = new ArrayList<>(100);
        for (int i = 0; i < n; i++) {
            String tag = i % 100 == 0 ? "red" : i % 2 == 0 ? "blue" : null;
            long eta = i % 10 == 9 ? now + (i % 1000 + 1) * SECOND : now - (n - i) * 1000L;
            batch.add(new NewTask(
                    String.format(Locale.ROOT, "%s-%08d", queue, i), new byte[100], Tag.of(tag), eta, null));
            if (batch.size() == 100) {
                store.taskAddMany(queue, batch, now);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.taskAddMany(queue, batch, now);
        }
    }

    private static void measure(SqliteTaskStore store, TaskQuery first) {
        double[] firstMs = new double[30];
        double[] tenthMs = new double[30];
        int found = 0;
        for (int r = 0; r < 30; r++) {
            long a = System.nanoTime();
            TaskListing page = store.taskSearch(first);
            firstMs[r] = (System.nanoTime() - a) / 1e6;
            found = page.tasks().size();
            TaskQuery.Cursor after = page.next();
            for (int p = 1; p < 9 && after != null; p++) {
                after = store.taskSearch(withCursor(first, after)).next();
            }
            long b = System.nanoTime();
            if (after != null) {
                store.taskSearch(withCursor(first, after));
            }
            tenthMs[r] = (System.nanoTime() - b) / 1e6;
        }
        Arrays.sort(firstMs);
        Arrays.sort(tenthMs);
        System.out.printf(
                Locale.ROOT,
                "%-8s tag %-5s order %-8s: %2d tasks; first page median %6.2f ms, max %6.2f;"
                        + " 10th page median %6.2f ms, max %6.2f%n",
                first.state(),
                first.tag(),
                first.order(),
                found,
                firstMs[15],
                firstMs[29],
                tenthMs[15],
                tenthMs[29]);
    }

    private static TaskQuery withCursor(TaskQuery q, TaskQuery.Cursor after) {
        return new TaskQuery(q.queue(), q.state(), q.tag(), q.order(), after, q.limit(), q.nowUsec());
    }
}
