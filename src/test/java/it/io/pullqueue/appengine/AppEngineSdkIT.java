package it.io.pullqueue.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.appengine.api.taskqueue.LeaseOptions;
import com.google.appengine.api.taskqueue.QueueStatistics;
import com.google.appengine.api.taskqueue.TaskAlreadyExistsException;
import com.google.appengine.api.taskqueue.TaskHandle;
import com.google.appengine.api.taskqueue.TaskOptions;
import it.io.pullqueue.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Google's App Engine Java SDK ({@code Queue} through {@code RemoteApiInstaller}), unchanged, against pullqueue:
 * every pull-queue operation of {@code Queue}.
 */
@MicroShedTest
class AppEngineSdkIT extends SdkTest {
    static final String Q = "appengine-sdk";

    @Override
    String queueName() {
        return Q;
    }

    @Test
    void addLeaseModifyDelete() {
        TaskHandle added = queue.add(SdkClient.pull("hello").tag("red"));
        assertNotNull(added.getName(), "the server chose a name");
        assertEquals(Q, added.getQueueName());

        List<TaskHandle> leased = queue.leaseTasks(30, TimeUnit.SECONDS, 10);
        assertEquals(1, leased.size());
        TaskHandle t = leased.get(0);
        assertEquals(added.getName(), t.getName());
        assertEquals("hello", SdkClient.text(t.getPayload()));
        assertEquals("red", new String(t.getTagAsBytes()));
        assertEquals(1, t.getRetryCount());
        long expiry = t.getEtaMillis();
        assertTrue(expiry > System.currentTimeMillis() + 20_000, "the ETA is the lease expiry");
        assertTrue(queue.leaseTasks(30, TimeUnit.SECONDS, 10).isEmpty(), "a leased task is not leased again");

        TaskHandle extended = queue.modifyTaskLease(t, 120, TimeUnit.SECONDS);
        assertTrue(extended.getEtaMillis() > expiry + 60_000, "the lease was extended");
        assertEquals(1, SdkClient.stats(Q).getJsonNumber("inFlight").longValue());

        assertTrue(queue.deleteTask(extended));
        assertFalse(queue.deleteTask(extended), "a deleted task reports false");
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void batchAddNamedAndLeaseInOrder() {
        String a = SdkClient.unique("a");
        String b = SdkClient.unique("b");
        List<TaskHandle> added = queue.add(
                List.of(SdkClient.pull("1").taskName(a), SdkClient.pull("2").taskName(b), SdkClient.pull("3")));
        assertEquals(3, added.size());
        assertEquals(a, added.get(0).getName());
        assertEquals(b, added.get(1).getName());
        assertNotNull(added.get(2).getName());

        List<TaskHandle> leased = queue.leaseTasks(60, TimeUnit.SECONDS, 2);
        assertEquals(2, leased.size(), "max count is honoured");
        assertEquals(1, queue.leaseTasks(60, TimeUnit.SECONDS, 10).size());
        assertEquals(3, SdkClient.count(Q));
    }

    @Test
    void emptyPayloadAndBinaryPayload() {
        byte[] bytes = {0, (byte) 0xff, 10, 13, (byte) 0x80};
        queue.add(TaskOptions.Builder.withMethod(TaskOptions.Method.PULL)
                .payload(bytes)
                .taskName(SdkClient.unique("bin")));
        queue.add(TaskOptions.Builder.withMethod(TaskOptions.Method.PULL).payload(new byte[0]));
        Set<Integer> sizes = queue.leaseTasks(60, TimeUnit.SECONDS, 10).stream()
                .map(t -> t.getPayload().length)
                .collect(Collectors.toSet());
        assertEquals(Set.of(0, 5), sizes);
    }

    @Test
    void duplicateNamesAreReportedPerTaskAndTheOthersAdded() {
        String dup = SdkClient.unique("dup");
        queue.add(SdkClient.pull("first").taskName(dup));
        TaskAlreadyExistsException e = assertThrows(
                TaskAlreadyExistsException.class,
                () -> queue.add(SdkClient.pull("again").taskName(dup)));
        assertEquals(List.of(dup), e.getTaskNames());

        String fresh = SdkClient.unique("fresh");
        TaskAlreadyExistsException batch = assertThrows(
                TaskAlreadyExistsException.class,
                () -> queue.add(List.of(
                        SdkClient.pull("x").taskName(fresh), SdkClient.pull("y").taskName(dup))));
        assertEquals(List.of(dup), batch.getTaskNames());
        assertEquals(2, SdkClient.count(Q), "the other task of the batch was added");
        List<TaskHandle> leased = queue.leaseTasks(60, TimeUnit.SECONDS, 10);
        assertEquals(
                "first",
                SdkClient.text(leased.stream()
                        .filter(t -> t.getName().equals(dup))
                        .findFirst()
                        .orElseThrow()
                        .getPayload()),
                "the original task is unchanged");
    }

    @Test
    void deletedNamesAreTombstoned() {
        String name = SdkClient.unique("tomb");
        queue.add(SdkClient.pull("x").taskName(name));
        assertTrue(queue.deleteTask(name));
        TaskAlreadyExistsException e = assertThrows(
                TaskAlreadyExistsException.class,
                () -> queue.add(SdkClient.pull("y").taskName(name)));
        assertEquals(List.of(name), e.getTaskNames());
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void aTaskWithAFutureEtaIsNotLeasedEarly() {
        long eta = System.currentTimeMillis() + 3_600_000;
        TaskHandle h = queue.add(SdkClient.pull("later").etaMillis(eta));
        assertTrue(queue.leaseTasks(60, TimeUnit.SECONDS, 10).isEmpty());
        QueueStatistics s = queue.fetchStatistics();
        assertEquals(1, s.getNumTasks());
        assertEquals(eta * 1000, s.getOldestEtaUsec());
        assertEquals(
                200, Http.get("/api/v1/queues/" + Q + "/tasks/" + h.getName()).status());
    }

    @Test
    void leaseByTagAndByTheOldestTasksTag() {
        long now = System.currentTimeMillis();
        queue.add(List.of(
                SdkClient.pull("b1").tag("blue").etaMillis(now - 5000),
                SdkClient.pull("r1").tag("red").etaMillis(now - 4000),
                SdkClient.pull("u1").etaMillis(now - 3000),
                SdkClient.pull("r2").tag("red").etaMillis(now - 2000),
                SdkClient.pull("u2").etaMillis(now - 1000)));

        List<TaskHandle> red = queue.leaseTasksByTag(60, TimeUnit.SECONDS, 10, "red");
        assertEquals(List.of("r1", "r2"), payloads(red));

        List<TaskHandle> oldest = queue.leaseTasksByTag(60, TimeUnit.SECONDS, 10, null);
        assertEquals(List.of("b1"), payloads(oldest), "a null tag takes the oldest task's tag (blue)");

        List<TaskHandle> untagged = queue.leaseTasks(LeaseOptions.Builder.withLeasePeriod(60, TimeUnit.SECONDS)
                .countLimit(10)
                .groupByTag());
        assertEquals(List.of("u1", "u2"), payloads(untagged), "the oldest task has no tag: untagged tasks only");
        for (TaskHandle t : untagged) {
            assertNull(t.getTagAsBytes());
        }
    }

    @Test
    void releasingWithZeroMakesTheTaskLeasableAgain() {
        queue.add(SdkClient.pull("again"));
        TaskHandle first = queue.leaseTasks(300, TimeUnit.SECONDS, 1).get(0);
        queue.modifyTaskLease(first, 0, TimeUnit.SECONDS);
        List<TaskHandle> second = queue.leaseTasks(300, TimeUnit.SECONDS, 1);
        assertEquals(1, second.size(), "released at once");
        assertEquals(first.getName(), second.get(0).getName());
        assertEquals(2, second.get(0).getRetryCount(), "every lease counts");
    }

    @Test
    void deleteSingleBatchAndUnknown() {
        List<TaskHandle> added = queue.add(List.of(SdkClient.pull("1"), SdkClient.pull("2"), SdkClient.pull("3")));
        assertTrue(queue.deleteTask(added.get(0).getName()));
        List<TaskHandle> rest = new ArrayList<>(added.subList(1, 3));
        rest.add(new TaskHandle(TaskOptions.Builder.withTaskName(SdkClient.unique("never")), Q));
        rest.add(added.get(0));
        assertEquals(List.of(true, true, false, false), queue.deleteTask(rest));
        assertFalse(queue.deleteTask(SdkClient.unique("unknown")));
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void purgeRemovesEveryTask() {
        queue.add(List.of(SdkClient.pull("1"), SdkClient.pull("2").tag("t")));
        queue.leaseTasks(60, TimeUnit.SECONDS, 1);
        queue.purge();
        assertEquals(0, queue.fetchStatistics().getNumTasks());
        assertTrue(queue.leaseTasks(60, TimeUnit.SECONDS, 10).isEmpty());
    }

    @Test
    void statistics() {
        QueueStatistics empty = queue.fetchStatistics();
        assertEquals(Q, empty.getQueueName());
        assertEquals(0, empty.getNumTasks());
        assertNull(empty.getOldestEtaUsec(), "no tasks: no oldest ETA");

        long now = System.currentTimeMillis();
        queue.add(List.of(SdkClient.pull("1").etaMillis(now - 10_000), SdkClient.pull("2"), SdkClient.pull("3")));
        queue.leaseTasks(60, TimeUnit.SECONDS, 2);
        QueueStatistics s = queue.fetchStatistics();
        assertEquals(3, s.getNumTasks(), "leased tasks count too");
        assertNotNull(s.getOldestEtaUsec());
        assertTrue(s.getExecutedLastMinute() >= 2, "two tasks were leased in the last minute");
        assertEquals(2, s.getRequestsInFlight(), "in flight = leased now");
        assertEquals(0.0, s.getEnforcedRate());
    }

    private static List<String> payloads(List<TaskHandle> tasks) {
        return tasks.stream().map(t -> SdkClient.text(t.getPayload())).toList();
    }
}
