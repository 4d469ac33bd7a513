package it.io.pullqueue.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.taskqueue.Taskqueue;
import com.google.api.services.taskqueue.model.Task;
import com.google.api.services.taskqueue.model.TaskQueue;
import com.google.api.services.taskqueue.model.Tasks;
import com.google.api.services.taskqueue.model.Tasks2;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Conformance: Google's generated client {@code google-api-services-taskqueue} (v1beta2) drives all eight methods
 * against the running server, changed in nothing but its root URL.
 */
@MicroShedTest
class TaskqueueClientIT {
    private static final String Q = "v1beta2-queue";
    private static final long SLACK_USEC = 120_000_000L;
    private final Taskqueue tq = V1beta2Api.client();

    @BeforeEach
    void empty() {
        V1beta2Api.purge(Q);
    }

    private static long nowUsec() {
        return System.currentTimeMillis() * 1000L;
    }

    private static void assertNear(long expectedUsec, Long actualUsec) {
        assertNotNull(actualUsec);
        assertTrue(
                Math.abs(expectedUsec - actualUsec) < SLACK_USEC,
                "expected about " + expectedUsec + " µs, got " + actualUsec);
    }

    @Test
    void insertGetAndList() throws Exception {
        String id = V1beta2Api.unique("ins");
        Task in = V1beta2Api.task(Q, "hello world").setId(id).setTag("red");
        Task added = tq.tasks().insert(V1beta2Api.PROJECT, Q, in).execute();
        assertEquals("taskqueues#task", added.getKind());
        assertEquals(id, added.getId());
        assertEquals(Q, added.getQueueName());
        assertEquals("hello world", V1beta2Api.text(added));
        assertEquals("red", added.getTag());
        assertEquals(0, added.getRetryCount());
        assertNear(nowUsec(), added.getEnqueueTimestamp());
        assertNear(nowUsec(), added.getLeaseTimestamp());

        Task got = tq.tasks().get(V1beta2Api.PROJECT, Q, id).execute();
        assertEquals(added, got);

        Task unnamed =
                tq.tasks().insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "")).execute();
        assertTrue(unnamed.getId().matches("[a-zA-Z0-9_-]{1,500}"), unnamed.getId());
        assertEquals("", V1beta2Api.text(unnamed));

        Tasks2 list = tq.tasks().list(V1beta2Api.PROJECT, Q).execute();
        assertEquals("taskqueues#tasks", list.getKind());
        assertEquals(
                Set.of(id, unnamed.getId()),
                list.getItems().stream().map(Task::getId).collect(Collectors.toSet()));
        assertNull(list.getItems().get(0).getPayloadBase64(), "list leaves payloads out");
    }

    @Test
    void insertWithLeaseTimestampSetsTheEta() throws Exception {
        long later = nowUsec() + 3_600_000_000L;
        Task t = tq.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "later").setLeaseTimestamp(later))
                .execute();
        assertEquals(later, t.getLeaseTimestamp());
        assertNull(tq.tasks().lease(V1beta2Api.PROJECT, Q, 10, 60).execute().getItems(), "not due for an hour");
    }

    @Test
    void leaseThenDelete() throws Exception {
        for (int i = 0; i < 3; i++) {
            tq.tasks()
                    .insert(
                            V1beta2Api.PROJECT,
                            Q,
                            V1beta2Api.task(Q, "job " + i).setId(V1beta2Api.unique("job")))
                    .execute();
        }
        Tasks first = tq.tasks().lease(V1beta2Api.PROJECT, Q, 2, 30).execute();
        assertEquals("taskqueue#tasks", first.getKind());
        assertEquals(2, first.getItems().size());
        for (Task t : first.getItems()) {
            assertEquals(1, t.getRetryCount());
            assertNear(nowUsec() + 30_000_000L, t.getLeaseTimestamp());
            assertTrue(V1beta2Api.text(t).startsWith("job "), "lease carries the payload");
            tq.tasks().delete(V1beta2Api.PROJECT, Q, t.getId()).execute();
        }
        List<Task> rest =
                tq.tasks().lease(V1beta2Api.PROJECT, Q, 10, 30).execute().getItems();
        assertEquals(1, rest.size());
        assertNull(tq.tasks().lease(V1beta2Api.PROJECT, Q, 10, 30).execute().getItems(), "nothing left to lease");
        assertEquals(1, V1beta2Api.count(Q), "only the leased, undeleted task is stored");
    }

    @Test
    void leaseByTagAndByTheOldestTasksTag() throws Exception {
        long t0 = nowUsec() - 10_000_000L;
        String a = V1beta2Api.unique("a");
        String b = V1beta2Api.unique("b");
        String c = V1beta2Api.unique("c");
        String d = V1beta2Api.unique("d");
        tq.tasks()
                .insert(
                        V1beta2Api.PROJECT,
                        Q,
                        V1beta2Api.task(Q, "a").setId(a).setTag("blue").setLeaseTimestamp(t0))
                .execute();
        tq.tasks()
                .insert(
                        V1beta2Api.PROJECT,
                        Q,
                        V1beta2Api.task(Q, "b").setId(b).setTag("red").setLeaseTimestamp(t0 + 1))
                .execute();
        tq.tasks()
                .insert(
                        V1beta2Api.PROJECT,
                        Q,
                        V1beta2Api.task(Q, "c").setId(c).setTag("blue").setLeaseTimestamp(t0 + 2))
                .execute();
        tq.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "d").setId(d).setLeaseTimestamp(t0 + 3))
                .execute();

        Tasks red = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 10, 60)
                .setGroupByTag(true)
                .setTag("red")
                .execute();
        assertEquals(List.of(b), red.getItems().stream().map(Task::getId).toList());

        Tasks oldest = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 10, 60)
                .setGroupByTag(true)
                .execute();
        assertEquals(
                List.of(a, c),
                oldest.getItems().stream().map(Task::getId).toList(),
                "groupByTag without a tag takes the oldest task's tag");

        Tasks untagged = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 10, 60)
                .setGroupByTag(true)
                .execute();
        assertEquals(List.of(d), untagged.getItems().stream().map(Task::getId).toList());
        assertNull(untagged.getItems().get(0).getTag());
    }

    @Test
    void patchAndUpdateExtendAndReleaseTheLease() throws Exception {
        String w = V1beta2Api.unique("w");
        tq.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "work").setId(w))
                .execute();
        Task leased = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 1, 30)
                .execute()
                .getItems()
                .get(0);

        Task patched = tq.tasks().patch(V1beta2Api.PROJECT, Q, w, 600, leased).execute();
        assertEquals(w, patched.getId());
        assertNear(nowUsec() + 600_000_000L, patched.getLeaseTimestamp());
        assertTrue(patched.getLeaseTimestamp() > leased.getLeaseTimestamp());
        assertEquals(1, patched.getRetryCount(), "extending is not a new lease");
        assertEquals("work", V1beta2Api.text(patched));

        Task updated =
                tq.tasks().update(V1beta2Api.PROJECT, Q, w, 1200, patched).execute();
        assertNear(nowUsec() + 1_200_000_000L, updated.getLeaseTimestamp());
        assertNull(tq.tasks().lease(V1beta2Api.PROJECT, Q, 1, 30).execute().getItems(), "still leased");

        Task released = tq.tasks().update(V1beta2Api.PROJECT, Q, w, 0, updated).execute();
        assertNear(nowUsec(), released.getLeaseTimestamp());
        Task again = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 1, 30)
                .execute()
                .getItems()
                .get(0);
        assertEquals(w, again.getId());
        assertEquals(2, again.getRetryCount(), "a released task can be leased again");
    }

    @Test
    void patchWithTheMinimalBodyOfTheDocs() throws Exception {
        String m = V1beta2Api.unique("m");
        tq.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "x").setId(m))
                .execute();
        Task leased = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 1, 30)
                .execute()
                .getItems()
                .get(0);
        Task body = new Task().setQueueName(Q).setLeaseTimestamp(leased.getLeaseTimestamp());
        Task patched = tq.tasks().patch(V1beta2Api.PROJECT, Q, m, 90, body).execute();
        assertNear(nowUsec() + 90_000_000L, patched.getLeaseTimestamp());
    }

    @Test
    void taskqueueGetWithAndWithoutStats() throws Exception {
        String q = "v1beta2-limited";
        V1beta2Api.purge(q);
        tq.tasks().insert(V1beta2Api.PROJECT, q, V1beta2Api.task(q, "1")).execute();
        tq.tasks().insert(V1beta2Api.PROJECT, q, V1beta2Api.task(q, "2")).execute();
        tq.tasks().lease(V1beta2Api.PROJECT, q, 1, 60).execute();

        TaskQueue plain = tq.taskqueues().get(V1beta2Api.PROJECT, q).execute();
        assertEquals("taskqueues#taskqueue", plain.getKind());
        assertEquals(q, plain.getId());
        assertEquals(3, plain.getMaxLeases());
        assertEquals(List.of("worker@example.com"), plain.getAcl().getConsumerEmails());
        assertEquals(List.of("producer@example.com"), plain.getAcl().getProducerEmails());
        assertNull(plain.getStats());

        TaskQueue.Stats stats = tq.taskqueues()
                .get(V1beta2Api.PROJECT, q)
                .setGetStats(true)
                .execute()
                .getStats();
        assertEquals(2, stats.getTotalTasks(), "leased tasks count too");
        assertTrue(
                Math.abs(stats.getOldestTask() - System.currentTimeMillis() / 1000) < 120,
                "oldestTask is in seconds: " + stats.getOldestTask());
        assertTrue(stats.getLeasedLastMinute() >= 1);
        assertTrue(stats.getLeasedLastHour() >= stats.getLeasedLastMinute());

        TaskQueue noLimit =
                tq.taskqueues().get(V1beta2Api.PROJECT, Q).setGetStats(true).execute();
        assertNull(noLimit.getMaxLeases(), "no retry limit: maxLeases is unset");
        assertEquals(0, noLimit.getStats().getTotalTasks());
        assertEquals(0L, noLimit.getStats().getOldestTask(), "an empty queue's oldestTask is 0");
    }

    @Test
    void everyProjectSpellingOfTheAppIsAccepted() throws Exception {
        for (String p : List.of(V1beta2Api.APP, "s~" + V1beta2Api.APP, "e~" + V1beta2Api.APP)) {
            assertEquals(Q, tq.taskqueues().get(p, Q).execute().getId(), p);
        }
        assertFalse(tq.tasks().list(V1beta2Api.APP, Q).execute().containsKey("items"), "empty list has no items");
        assertNotEquals(
                null,
                tq.tasks()
                        .insert(V1beta2Api.APP, Q, V1beta2Api.task(Q, "p"))
                        .execute()
                        .getId());
    }
}
