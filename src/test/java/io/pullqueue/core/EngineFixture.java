package io.pullqueue.core;

import io.pullqueue.store.sqlite.SqliteTaskStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** An engine over a real SQLite file in a temp dir, a stepped clock and a few declared queues. */
abstract class EngineFixture {
    static final String Q = "work";
    static final String LIMITED = "limited";
    static final String PUSH = "push-q";

    @TempDir
    Path dir;

    TestClock clock;
    TaskStore store;
    PullQueueEngine engine;
    final Map<String, QueueSpec> queues = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(5000);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("engine.db"));
        store = new SqliteTaskStore(ds);
        store.initialize();
        declare(QueueSpec.pull(Q).withLeaseRequestsPerSecond(0));
        declare(QueueSpec.pull(LIMITED).withRetryLimit(2).withLeaseRequestsPerSecond(0));
        declare(QueueSpec.push(PUSH));
        engine = new PullQueueEngine(
                store,
                new QueueRegistry() {
                    @Override
                    public Optional<QueueSpec> find(String name) {
                        return Optional.ofNullable(queues.get(name));
                    }

                    @Override
                    public Collection<QueueSpec> all() {
                        return queues.values();
                    }
                },
                clock,
                new EngineSettings(Duration.ofDays(9)));
    }

    void declare(QueueSpec spec) {
        queues.put(spec.name(), spec);
    }

    long now() {
        return engine.nowUsec();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Draft draft(String payload) {
        return Draft.of(bytes(payload));
    }

    static List<TaskDraft> tasks(Draft... drafts) {
        return Arrays.stream(drafts).map(Draft::task).toList();
    }

    AddResult addOne(String queue, TaskDraft d) {
        return engine.add(queue, List.of(d)).get(0);
    }

    AddResult addOne(String queue, Draft d) {
        return addOne(queue, d.task());
    }

    String add(String queue, Draft d) {
        AddResult r = addOne(queue, d);
        if (!r.ok()) {
            throw new AssertionError("add failed: " + r);
        }
        return r.name();
    }

    List<Task> lease(String queue, int max, double seconds) {
        return engine.lease(queue, max, seconds, TagFilter.ANY);
    }

    static QueueException expect(ErrorCode code, Runnable r) {
        try {
            r.run();
        } catch (QueueException e) {
            if (e.code() != code) {
                throw new AssertionError("expected " + code + " but got " + e.code() + ": " + e.getMessage(), e);
            }
            return e;
        }
        throw new AssertionError("expected " + code + " but the call succeeded");
    }
}
