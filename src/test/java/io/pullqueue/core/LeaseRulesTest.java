package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/semantics.md, Lease and Modify lease: leasing, lease tokens, retry limits, pause, throttle. */
class LeaseRulesTest extends EngineFixture {

    private static List<String> names(List<Task> tasks) {
        return tasks.stream().map(Task::name).toList();
    }

    @Test
    void leaseTakesDueTasksInEtaThenCreationOrder() {
        long now = now();
        add(Q, draft("later").named("c").at(now - 10));
        add(Q, draft("first").named("b").at(now - 20));
        add(Q, draft("tie1").named("z").at(now - 10));
        add(Q, draft("future").named("f").at(now + 1));
        add(Q, draft("exactly now").named("n").at(now));
        assertEquals(List.of("b", "c", "z", "n"), names(lease(Q, 10, 60)));
    }

    @Test
    void leaseSetsTheEtaToTheLeaseExpiryAndCountsTheLease() {
        add(Q, draft("x").named("t"));
        Task t = lease(Q, 1, 30).get(0);
        assertEquals(now() + 30_000_000, t.etaUsec());
        assertEquals(1, t.retryCount());
        assertEquals("x", new String(t.payload(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of(), lease(Q, 1, 30), "held under a lease");
        clock.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), lease(Q, 1, 30));
        clock.advance(Duration.ofSeconds(1));
        Task again = lease(Q, 1, 30).get(0);
        assertEquals("t", again.name());
        assertEquals(2, again.retryCount(), "an expired lease puts the task back; each lease counts");
    }

    @Test
    void maxTasksFromOneToAThousand() {
        for (int i = 0; i < 12; i++) {
            add(Q, draft("x" + i));
        }
        assertEquals(1, lease(Q, 1, 60).size());
        assertEquals(11, engine.lease(Q, 1000, 60, TagFilter.ANY).size());
        expect(ErrorCode.INVALID_REQUEST, () -> lease(Q, 0, 60));
        QueueException e = expect(ErrorCode.INVALID_REQUEST, () -> lease(Q, 1001, 60));
        assertEquals("maxTasks", e.field());
    }

    @Test
    void leaseSecondsFromZeroToAWeek() {
        add(Q, draft("x"));
        assertEquals(1, lease(Q, 1, 0).size(), "0 s is allowed");
        assertEquals(1, lease(Q, 1, Limits.MAX_LEASE_SECONDS).size());
        expect(ErrorCode.INVALID_REQUEST, () -> lease(Q, 1, Limits.MAX_LEASE_SECONDS + 0.001));
        expect(ErrorCode.INVALID_REQUEST, () -> lease(Q, 1, -0.001));
        expect(ErrorCode.INVALID_REQUEST, () -> lease(Q, 1, Double.NaN));
    }

    @Test
    void leaseByTagAndByTheOldestTasksTag() {
        long now = now();
        add(Q, draft("1").named("r1").tagged("red").at(now - 30));
        add(Q, draft("2").named("u1").at(now - 20));
        add(Q, draft("3").named("b1").tagged("blue").at(now - 10));
        add(Q, draft("4").named("r2").tagged("red").at(now - 5));
        assertEquals(List.of("b1"), names(engine.lease(Q, 10, 60, TagFilter.tag("blue"))));
        assertEquals(List.of("r1", "r2"), names(engine.lease(Q, 10, 60, TagFilter.OLDEST_TAG)));
        assertEquals(List.of("u1"), names(engine.lease(Q, 10, 60, TagFilter.OLDEST_TAG)), "oldest is untagged");
        assertEquals(List.of(), engine.lease(Q, 10, 60, TagFilter.OLDEST_TAG));
    }

    @Test
    void aTagWithoutGroupingIsRefusedAndAnEmptyTagMeansTheOldest() {
        expect(ErrorCode.INVALID_REQUEST, () -> TagFilter.of(false, Tag.of("red")));
        assertEquals(TagFilter.ANY, TagFilter.of(false, null));
        assertEquals(TagFilter.ANY, TagFilter.of(false, Tag.of("")));
        assertEquals(TagFilter.OLDEST_TAG, TagFilter.of(true, Tag.of("")));
        assertEquals(TagFilter.OLDEST_TAG, TagFilter.of(true, null));
        assertEquals(TagFilter.tag("red"), TagFilter.of(true, Tag.of("red")));
        expect(ErrorCode.INVALID_TAG, () -> engine.lease(Q, 1, 1, TagFilter.tag("t".repeat(501))));
    }

    @Test
    void aTaskIsLeasedAtMostRetryLimitTimes() {
        add(LIMITED, draft("x").named("lim"));
        assertEquals(1, lease(LIMITED, 1, 0).get(0).retryCount());
        assertEquals(2, lease(LIMITED, 1, 0).get(0).retryCount());
        assertEquals(List.of(), lease(LIMITED, 1, 0), "the third lease removes the task");
        assertTrue(store.tombstoneExists(LIMITED, "lim", now()));
        assertEquals(0, store.queueCounts(LIMITED, now()).tasks());
    }

    @Test
    void removedTasksAreNotReplacedInTheSameLease() {
        add(LIMITED, draft("a").named("a"));
        lease(LIMITED, 1, 0);
        lease(LIMITED, 1, 0);
        add(LIMITED, draft("b").named("b"));
        // "a" has used its two leases and is first in line (same ETA, created first): it is removed, and "b"
        // is not leased in its place.
        List<Task> r = lease(LIMITED, 1, 60);
        assertEquals(List.of(), r);
        assertEquals(List.of("b"), names(lease(LIMITED, 1, 60)));
    }

    @Test
    void aTasksOwnRetryLimitWinsAndZeroMeansNever() {
        add(LIMITED, draft("x").named("once").withRetryLimit(1));
        add(Q, draft("x").named("never").withRetryLimit(0));
        assertEquals(1, lease(LIMITED, 1, 0).size());
        assertEquals(List.of(), lease(LIMITED, 1, 0));
        assertEquals(List.of(), lease(Q, 1, 0));
        assertTrue(store.tombstoneExists(Q, "never", now()));
        declare(QueueSpec.pull("zero").withRetryLimit(0).withLeaseRequestsPerSecond(0));
        add("zero", draft("x"));
        assertEquals(List.of(), lease("zero", 1, 0));
    }

    @Test
    void modifyLeaseNeedsTheCurrentToken() {
        add(Q, draft("x").named("t"));
        Task t = lease(Q, 1, 30).get(0);
        long extended = engine.modifyLease(Q, "t", t.etaUsec(), 120);
        assertEquals(now() + 120_000_000, extended);
        QueueException stale = expect(ErrorCode.TASK_LEASE_EXPIRED, () -> engine.modifyLease(Q, "t", t.etaUsec(), 10));
        assertEquals("leaseToken", stale.field());
        clock.advance(Duration.ofSeconds(120));
        expect(ErrorCode.TASK_LEASE_EXPIRED, () -> engine.modifyLease(Q, "t", extended, 10));
        expect(ErrorCode.UNKNOWN_TASK, () -> engine.modifyLease(Q, "ghost", extended, 10));
        engine.delete(Q, List.of("t"));
        expect(ErrorCode.TOMBSTONED_TASK, () -> engine.modifyLease(Q, "t", extended, 10));
        expect(ErrorCode.INVALID_REQUEST, () -> engine.modifyLease(Q, "t", extended, -1));
        expect(ErrorCode.INVALID_REQUEST, () -> engine.modifyLease(Q, "t", extended, 604_801));
    }

    @Test
    void modifyLeaseWithZeroGivesTheTaskBack() {
        add(Q, draft("x").named("t"));
        List<String> woken = new ArrayList<>();
        engine.addListener(woken::add);
        Task t = lease(Q, 1, 300).get(0);
        assertEquals(now(), engine.modifyLease(Q, "t", t.etaUsec(), 0));
        assertEquals(List.of(Q), woken);
        Task again = lease(Q, 1, 300).get(0);
        assertEquals(2, again.retryCount(), "modify does not count; the next lease does");
    }

    @Test
    void pausedQueuesRefuseLeaseAndModifyButTakeTasks() {
        add(Q, draft("x").named("t"));
        Task t = lease(Q, 1, 300).get(0);
        engine.setPaused(Q, true);
        assertTrue(addOne(Q, draft("y")).ok());
        expect(ErrorCode.QUEUE_PAUSED, () -> lease(Q, 1, 1));
        expect(ErrorCode.QUEUE_PAUSED, () -> engine.modifyLease(Q, "t", t.etaUsec(), 1));
        assertTrue(engine.stats(Q).paused());
        engine.setPaused(Q, false);
        assertEquals(1, lease(Q, 5, 1).size());
    }

    @Test
    void pullOperationsOnPushOrUnknownQueues() {
        expect(ErrorCode.INVALID_QUEUE_MODE, () -> lease(PUSH, 1, 1));
        expect(ErrorCode.INVALID_QUEUE_MODE, () -> engine.modifyLease(PUSH, "t", 1, 1));
        expect(ErrorCode.INVALID_QUEUE_MODE, () -> engine.delete(PUSH, List.of("t")));
        expect(ErrorCode.INVALID_QUEUE_MODE, () -> engine.purge(PUSH));
        expect(ErrorCode.UNKNOWN_QUEUE, () -> lease("nope", 1, 1));
        expect(ErrorCode.UNKNOWN_QUEUE, () -> engine.stats("nope"));
    }

    @Test
    void theLeaseThrottleAllowsNCallsPerSecondPerQueue() {
        declare(QueueSpec.pull("slow").withLeaseRequestsPerSecond(2));
        for (int i = 0; i < 5; i++) {
            add("slow", draft("x" + i));
        }
        assertEquals(1, lease("slow", 1, 60).size());
        assertEquals(1, lease("slow", 1, 60).size());
        assertEquals(List.of(), lease("slow", 1, 60), "third call in the same second: no tasks, no error");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, lease("slow", 1, 60).size(), "a new second, a new budget");
        for (int i = 0; i < 50; i++) {
            lease(Q, 1, 60);
        }
        add(Q, draft("y"));
        assertEquals(1, lease(Q, 1, 60).size(), "0 = unlimited");
    }

    @Test
    void deleteReportsEachNameAndWorksOnLeasedTasks() {
        add(Q, draft("x").named("a"));
        add(Q, draft("x").named("b"));
        lease(Q, 1, 300);
        assertEquals(
                List.of(
                        ErrorCode.OK,
                        ErrorCode.OK,
                        ErrorCode.UNKNOWN_TASK,
                        ErrorCode.TOMBSTONED_TASK,
                        ErrorCode.INVALID_TASK_NAME),
                engine.delete(Q, List.of("a", "b", "c", "a", "bad name")));
        List<String> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add("n" + i);
        }
        assertEquals(1000, engine.delete(Q, thousand).size());
        thousand.add("one-more");
        expect(ErrorCode.TOO_MANY_TASKS, () -> engine.delete(Q, thousand));
    }

    @Test
    void purgeRemovesWhatExistsAndKeepsTombstones() {
        add(Q, draft("x").named("p1"));
        add(Q, draft("x").named("p2"));
        add(LIMITED, draft("x").named("other"));
        assertEquals(2, engine.purge(Q));
        assertEquals(0, store.queueCounts(Q, now()).tasks());
        assertEquals(1, store.queueCounts(LIMITED, now()).tasks(), "other queues untouched");
        assertEquals(
                ErrorCode.TOMBSTONED_TASK, addOne(Q, draft("x").named("p1")).code());
        assertTrue(addOne(Q, draft("after purge")).ok());
        assertEquals(1, store.queueCounts(Q, now()).tasks());
    }

    @Test
    void statisticsCountEverythingAndRecentLeases() {
        long now = now();
        add(Q, draft("x").at(now - 5));
        add(Q, draft("x").at(now - 1));
        add(Q, draft("x").after(600));
        lease(Q, 1, 60);
        QueueStats s = engine.stats(Q);
        assertEquals(3, s.counts().tasks());
        assertEquals(1, s.counts().leased());
        assertEquals(1, s.counts().due());
        assertEquals(now - 1, s.counts().oldestEtaUsec());
        assertEquals(1, s.leasedLastMinute());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(0, engine.stats(Q).leasedLastMinute());
        assertEquals(1, engine.stats(Q).leasedLastHour());
        clock.advance(Duration.ofHours(1));
        assertEquals(0, engine.stats(Q).leasedLastHour());
    }

    @Test
    void maintenanceRemovesExhaustedTasksAndExpiredTombstones() {
        add(LIMITED, draft("x").named("tired"));
        lease(LIMITED, 1, 10);
        clock.advance(Duration.ofSeconds(10));
        assertEquals(2, lease(LIMITED, 1, 10).get(0).retryCount());
        assertEquals(new MaintenanceReport(0, 0), engine.maintain(100), "still leased: left alone");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(new MaintenanceReport(1, 0), engine.maintain(100));
        assertTrue(store.tombstoneExists(LIMITED, "tired", now()));
        clock.advance(Duration.ofDays(9));
        assertEquals(new MaintenanceReport(0, 1), engine.maintain(100));
    }
}
