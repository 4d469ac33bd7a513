package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/semantics.md, Add and Tombstones: adding tasks, names, limits, tombstones. */
class AddRulesTest extends EngineFixture {

    private static List<TaskDraft> many(int n) {
        List<TaskDraft> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(draft("t" + i).task());
        }
        return l;
    }

    @Test
    void upToOneHundredTasksPerCall() {
        assertEquals(
                100, engine.add(Q, many(100)).stream().filter(AddResult::ok).count());
        QueueException e = expect(ErrorCode.TOO_MANY_TASKS, () -> engine.add(Q, many(101)));
        assertEquals("tasks", e.field());
        assertEquals(100, store.queueCounts(Q, now()).tasks(), "the refused call added nothing");
    }

    @Test
    void aTaskMayBeOneMebibyteMeasuredAsItsAddRequest() {
        String name = "n";
        String tag = "tg";
        long eta = now();
        long overhead = TaskSize.of(Q, name, eta, new byte[1 << 20], Tag.of(tag), 3) - (1 << 20);
        byte[] exact = new byte[(int) (Limits.MAX_TASK_BYTES - overhead)];
        assertEquals(Limits.MAX_TASK_BYTES, TaskSize.of(Q, name, eta, exact, Tag.of(tag), 3));
        assertTrue(addOne(Q, Draft.of(exact).named(name).tagged(tag).withRetryLimit(3))
                .ok());
        AddResult r = addOne(Q, Draft.of(exact).named("m").tagged(tag + "x").withRetryLimit(3));
        assertEquals(ErrorCode.TASK_TOO_LARGE, r.code(), "one byte more");
        assertEquals("payload", r.error().field());
        assertEquals(
                ErrorCode.TASK_TOO_LARGE,
                addOne(Q, Draft.of(new byte[Limits.MAX_TASK_BYTES])).code(),
                "a payload of 1 MiB is too large with its add request around it");
        assertEquals(1, store.queueCounts(Q, now()).tasks());
    }

    @Test
    void bulkAddReportsAnUnknownQueuePerTaskAsTheStubDoes() {
        List<AddResult> r = engine.bulkAdd(
                "nope",
                List.of(draft("a").task(), draft("b").at(-1).task()),
                java.util.Arrays.asList(null, null),
                true);
        assertEquals(
                List.of(ErrorCode.UNKNOWN_QUEUE, ErrorCode.INVALID_ETA),
                r.stream().map(AddResult::code).toList());
        assertEquals(
                ErrorCode.INVALID_QUEUE_NAME,
                engine.bulkAdd(
                                "no_underscores",
                                List.of(draft("a").task()),
                                java.util.Collections.singletonList(null),
                                true)
                        .get(0)
                        .code());
        expect(
                ErrorCode.TOO_MANY_TASKS,
                () -> engine.bulkAdd("nope", many(101), java.util.Collections.nCopies(101, null), true));
    }

    @Test
    void bulkAddChecksTheModeOnlyAfterEveryTaskIsValid() {
        List<AddResult> r = engine.bulkAdd(
                Q, List.of(draft("a").task(), draft("b").at(-1).task()), java.util.Arrays.asList(null, null), false);
        assertEquals(
                List.of(ErrorCode.SKIPPED, ErrorCode.INVALID_ETA),
                r.stream().map(AddResult::code).toList(),
                "a batch with an invalid task reports its tasks, whatever their mode");
        expect(
                ErrorCode.INVALID_QUEUE_MODE,
                () -> engine.bulkAdd(Q, List.of(draft("a").task()), java.util.Collections.singletonList(null), false));
        expect(
                ErrorCode.INVALID_QUEUE_MODE,
                () -> engine.bulkAdd(
                        PUSH, List.of(draft("a").task()), java.util.Collections.singletonList(null), true));
        assertEquals(0, store.queueCounts(Q, now()).tasks());
    }

    @Test
    void bulkAddReportsWhatTheDoorRefusedAlongsideEachTasksOwnError() {
        QueueException refused = new QueueException(ErrorCode.INVALID_REQUEST, "transaction", "no transactions");
        List<AddResult> r = engine.bulkAdd(
                Q,
                java.util.Arrays.asList(
                        null, draft("b").at(-1).task(), draft("c").task()),
                java.util.Arrays.asList(refused, null, null),
                true);
        assertEquals(
                List.of(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_ETA, ErrorCode.SKIPPED),
                r.stream().map(AddResult::code).toList());
        assertEquals(0, store.queueCounts(Q, now()).tasks());
        List<AddResult> ok = engine.bulkAdd(
                Q, List.of(draft("a").task(), draft("b").task()), java.util.Arrays.asList(null, null), true);
        assertEquals(
                List.of(ErrorCode.OK, ErrorCode.OK),
                ok.stream().map(AddResult::code).toList());
    }

    @Test
    void emptyPayloadIsAllowedButAMissingOneIsNot() {
        assertTrue(addOne(Q, Draft.of(new byte[0])).ok());
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                addOne(Q, new TaskDraft(null, null, null, null, null, null)).code());
    }

    @Test
    void tagsUpTo500Bytes() {
        assertTrue(addOne(Q, draft("x").tagged("t".repeat(500))).ok());
        assertEquals(
                ErrorCode.INVALID_TAG,
                addOne(Q, draft("x").tagged("t".repeat(501))).code());
        assertEquals(
                ErrorCode.INVALID_TAG,
                addOne(Q, draft("x").tagged("é".repeat(251))).code(),
                "bytes, not chars");
    }

    @Test
    void taskNamesFollowTheAppEnginePattern() {
        assertTrue(addOne(Q, draft("x").named("a".repeat(500))).ok());
        assertTrue(addOne(Q, draft("x").named("A-z_09")).ok());
        assertTrue(addOne(Q, draft("x").named("n".repeat(500))).ok());
        for (String bad : List.of("a".repeat(501), "", "has space", "dot.ted", "slash/ed", "ünï")) {
            AddResult r = addOne(Q, draft("x").named(bad));
            assertEquals(ErrorCode.INVALID_TASK_NAME, r.code(), bad);
            assertEquals("name", r.error().field());
        }
    }

    @Test
    void queueNamesAreCheckedAndMustBeDeclared() {
        expect(ErrorCode.INVALID_QUEUE_NAME, () -> engine.add("under_score", many(1)));
        expect(ErrorCode.INVALID_QUEUE_NAME, () -> engine.add("q".repeat(101), many(1)));
        expect(ErrorCode.INVALID_QUEUE_NAME, () -> engine.add("", many(1)));
        expect(ErrorCode.UNKNOWN_QUEUE, () -> engine.add("q".repeat(100), many(1)));
        expect(ErrorCode.INVALID_QUEUE_MODE, () -> engine.add(PUSH, many(1)));
    }

    @Test
    void oneInvalidTaskSkipsTheWholeBatch() {
        List<AddResult> r = engine.add(Q, tasks(draft("a"), draft("b").named("bad name"), draft("c")));
        assertEquals(
                List.of(ErrorCode.SKIPPED, ErrorCode.INVALID_TASK_NAME, ErrorCode.SKIPPED),
                r.stream().map(AddResult::code).toList());
        assertEquals(0, store.queueCounts(Q, now()).tasks());
    }

    @Test
    void duplicatesAreReportedPerTaskAndTheOthersStillGoIn() {
        add(Q, draft("first").named("dup"));
        List<AddResult> r = engine.add(
                Q, tasks(draft("a"), draft("b").named("dup"), draft("c").named("new")));
        assertEquals(
                List.of(ErrorCode.OK, ErrorCode.TASK_ALREADY_EXISTS, ErrorCode.OK),
                r.stream().map(AddResult::code).toList());
        assertEquals(3, store.queueCounts(Q, now()).tasks());
    }

    @Test
    void deletedNamesStayReservedForNineDays() {
        add(Q, draft("x").named("gone"));
        assertEquals(List.of(ErrorCode.OK), engine.delete(Q, List.of("gone")));
        assertEquals(
                ErrorCode.TOMBSTONED_TASK,
                addOne(Q, draft("again").named("gone")).code());
        clock.advance(Duration.ofDays(9).minusSeconds(1));
        assertEquals(
                ErrorCode.TOMBSTONED_TASK,
                addOne(Q, draft("again").named("gone")).code());
        clock.advance(Duration.ofSeconds(2));
        assertTrue(addOne(Q, draft("again").named("gone")).ok());
    }

    /** Every door reports these outcomes in the engine's words, naming the field {@code name}. */
    @Test
    void conflictsAndSingleDeletesAreWordedByTheEngine() {
        add(Q, draft("x").named("taken"));
        QueueException exists = addOne(Q, draft("y").named("taken")).failure();
        assertEquals(ErrorCode.TASK_ALREADY_EXISTS, exists.code());
        assertEquals("name", exists.field());
        assertEquals("a task named taken already exists", exists.getMessage());
        assertEquals(null, addOne(Q, draft("z").named("free")).failure(), "an added task has no failure");

        engine.deleteOne(Q, "taken");
        QueueException reserved = addOne(Q, draft("y").named("taken")).failure();
        assertEquals("the name taken belongs to a deleted task and stays reserved", reserved.getMessage());
        assertEquals(
                "task taken was already deleted",
                expect(ErrorCode.TOMBSTONED_TASK, () -> engine.deleteOne(Q, "taken"))
                        .getMessage());
        assertEquals(
                "task never does not exist",
                expect(ErrorCode.UNKNOWN_TASK, () -> engine.deleteOne(Q, "never"))
                        .getMessage());
        assertEquals(
                "name",
                expect(ErrorCode.INVALID_TASK_NAME, () -> engine.deleteOne(Q, "bad name"))
                        .field());
    }

    @Test
    void chosenNamesAreRandomUrlSafeAndReported() {
        Set<String> names = new HashSet<>();
        for (AddResult r : engine.add(Q, many(100))) {
            assertTrue(r.nameChosen());
            assertTrue(Validation.isValidTaskName(r.name()), r.name());
            names.add(r.name());
        }
        assertEquals(100, names.size());
        AddResult named = addOne(Q, draft("x").named("mine"));
        assertEquals("mine", named.name());
        assertTrue(!named.nameChosen());
    }

    @Test
    void chosenNamesSortByCreationTimeSoTheNameIndexGrowsAtItsEnd() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            names.add(addOne(Q, draft("x")).name());
            clock.advanceMicros(i % 7 == 0 ? 1 : 1_000_003L * i);
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null); // the database's order for TEXT: code units, which for these ASCII names is byte order
        assertEquals(names, sorted);
        // Same microsecond: still distinct, and the random part keeps 128 bits (21 full characters and 2 bits).
        List<AddResult> same = engine.add(Q, many(100));
        assertEquals(100, same.stream().map(AddResult::name).distinct().count());
        assertTrue(same.stream().allMatch(r -> r.name().length() == 32), "10 time + 22 random characters");
    }

    @Test
    void etaUpToThirtyDaysAheadAndNeverNegative() {
        long now = now();
        assertEquals(
                now + Limits.MAX_ETA_AHEAD_USEC,
                addOne(Q, draft("x").at(now + Limits.MAX_ETA_AHEAD_USEC)).etaUsec());
        assertEquals(
                ErrorCode.INVALID_ETA,
                addOne(Q, draft("x").at(now + Limits.MAX_ETA_AHEAD_USEC + 1)).code());
        assertEquals(ErrorCode.INVALID_ETA, addOne(Q, draft("x").at(-1)).code());
        assertTrue(addOne(Q, draft("x").at(0)).ok(), "an ETA in the past is fine: due at once");
        assertEquals(now + 1_500_000, addOne(Q, draft("x").after(1.5)).etaUsec());
        assertEquals(ErrorCode.INVALID_ETA, addOne(Q, draft("x").after(-1)).code());
        assertEquals(
                ErrorCode.INVALID_ETA,
                addOne(Q, draft("x").after(30.0 * 86400 + 1)).code());
        assertEquals(
                ErrorCode.INVALID_REQUEST,
                addOne(Q, draft("x").at(now).after(1)).code());
        assertEquals(now, addOne(Q, draft("x")).etaUsec(), "no ETA means now");
    }

    @Test
    void negativeTaskRetryLimitIsRefused() {
        assertEquals(
                ErrorCode.INVALID_RETRY_PARAMETERS,
                addOne(Q, draft("x").withRetryLimit(-1)).code());
        assertTrue(addOne(Q, draft("x").withRetryLimit(0)).ok());
    }

    @Test
    void addingWakesListenersOnlyWhenSomethingWasAdded() {
        List<String> woken = new ArrayList<>();
        engine.addListener(woken::add);
        add(Q, draft("x").named("w1"));
        engine.add(Q, tasks(draft("y").named("w1")));
        engine.add(Q, tasks(draft("z").named("bad name")));
        assertEquals(List.of(Q), woken);
        assertNotEquals(0, store.queueCounts(Q, now()).tasks());
    }
}
