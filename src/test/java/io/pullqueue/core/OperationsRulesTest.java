package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's rules (QueueOperations): history samples, making tasks due, and the checks on their input. */
class OperationsRulesTest extends EngineFixture {
    static final long PERIOD = 10_000_000L;
    QueueOperations ops;

    @BeforeEach
    void operations() {
        ops = new QueueOperations(engine, store, PERIOD);
    }

    private void sample() {
        ops.sample("server-1", Map.of(Q, store.queueCounts(Q, now())));
    }

    @Test
    void eachSampleHoldsTheBacklogAndWhatThisServerDidSinceTheLastOne() {
        for (int i = 0; i < 3; i++) {
            add(Q, draft("t" + i));
        }
        clock.advance(Duration.ofSeconds(4));
        List<Task> leased = lease(Q, 2, 60);
        engine.delete(Q, List.of(leased.get(0).name(), "never-there"));
        long first = Math.floorDiv(now(), PERIOD) * PERIOD;
        sample();
        clock.advance(Duration.ofSeconds(10));
        add(Q, draft("t3"));
        sample();

        QueueHistory h = ops.history(Q, 3600);
        assertEquals(PERIOD, h.stepUsec());
        assertEquals(
                List.of(
                        new QueueSample(first, 2, 1, 1, 4_000_000L, 3, 2, 1),
                        new QueueSample(first + PERIOD, 3, 2, 1, 14_000_000L, 1, 0, 0)),
                h.points());
        clock.advance(Duration.ofSeconds(20));
        assertEquals(List.of(), ops.history(Q, 5).points(), "nothing sampled in the last 5 s");
    }

    @Test
    void aLongWindowMergesSamplesIntoAtMost360Points() {
        List<QueueSample> samples = new ArrayList<>();
        long from = 0;
        for (int i = 0; i < 8640; i++) {
            samples.add(new QueueSample(from + i * PERIOD, i, i, 0, 0, 1, 2, 3));
        }
        QueueHistory h = QueueHistory.of(samples, from, from + 8640 * PERIOD, PERIOD, 360);
        assertEquals(360, h.points().size());
        assertEquals(24 * PERIOD, h.stepUsec());
        assertEquals(
                new QueueSample(0, 23, 23, 0, 0, 24, 48, 72),
                h.points().get(0),
                "backlog at the end of the step, activity summed over it");
    }

    @Test
    void runNowGivesALeaseBackAndRunsADelayedTaskEvenOnAPausedQueue() {
        String leased = add(Q, draft("leased"));
        String later = add(Q, draft("later").after(600));
        Task held = lease(Q, 1, 60).get(0);
        engine.setPaused(Q, true);
        List<String> woken = new ArrayList<>();
        engine.addListener(woken::add);

        assertEquals(
                List.of(ErrorCode.OK, ErrorCode.OK, ErrorCode.UNKNOWN_TASK, ErrorCode.INVALID_TASK_NAME),
                ops.runNow(Q, List.of(leased, later, "gone", "bad name")));

        assertEquals(now(), engine.get(Q, leased).etaUsec());
        assertEquals(now(), engine.get(Q, later).etaUsec());
        assertEquals(List.of(Q), woken, "waiting lease calls are told");
        engine.setPaused(Q, false);
        expect(ErrorCode.TASK_LEASE_EXPIRED, () -> engine.modifyLease(Q, leased, held.etaUsec(), 60));
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertEquals(
                "names",
                expect(ErrorCode.TOO_MANY_TASKS, () -> ops.runNow(Q, Collections.nCopies(1001, "a")))
                        .field());
        expect(ErrorCode.INVALID_QUEUE_MODE, () -> ops.runNow(PUSH, List.of("a")));
        expect(ErrorCode.UNKNOWN_QUEUE, () -> ops.history("nope", 60));
        assertEquals(
                "seconds",
                expect(ErrorCode.INVALID_REQUEST, () -> ops.history(Q, 86_401)).field());
        assertEquals(
                "pageSize",
                expect(
                                ErrorCode.INVALID_REQUEST,
                                () -> ops.search(Q, TaskQuery.State.ANY, null, TaskQuery.Order.ETA, null, 1001))
                        .field());
        QueueException tag = expect(
                ErrorCode.INVALID_TAG,
                () -> ops.search(Q, TaskQuery.State.ANY, Tag.of("x".repeat(501)), TaskQuery.Order.ETA, null, 10));
        assertEquals("tag", tag.field());
        assertTrue(ops.search(Q, TaskQuery.State.DUE, Tag.of(""), TaskQuery.Order.ETA, null, 10)
                .tasks()
                .isEmpty());
    }
}
