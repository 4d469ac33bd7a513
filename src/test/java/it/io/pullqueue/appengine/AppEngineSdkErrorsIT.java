package it.io.pullqueue.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.appengine.api.taskqueue.InvalidQueueModeException;
import com.google.appengine.api.taskqueue.Queue;
import com.google.appengine.api.taskqueue.TaskAlreadyExistsException;
import com.google.appengine.api.taskqueue.TaskHandle;
import com.google.appengine.api.taskqueue.TaskOptions;
import com.google.appengine.api.taskqueue.TransientFailureException;
import it.io.pullqueue.Http;
import jakarta.json.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Every exception the SDK's {@code Queue} raises for a server-side error, driven by pullqueue's answers: each
 * error arrives as {@code java_exception} (a serialized {@code ApiProxy.ApplicationException}) and the SDK
 * translates its code. Each case also checks that nothing was changed.
 */
@MicroShedTest
class AppEngineSdkErrorsIT extends SdkTest {
    static final String Q = "appengine-errors";
    private static final String NATIVE = "/api/v1/queues/" + Q;

    @Override
    String queueName() {
        return Q;
    }

    @Test
    void unknownQueueIsIllegalState() {
        Queue unknown = SdkClient.queue("no-such-queue");
        IllegalStateException add = assertThrows(IllegalStateException.class, () -> unknown.add(SdkClient.pull("x")));
        assertTrue(add.getMessage().contains("unknown"), add.getMessage());
        assertThrows(IllegalStateException.class, () -> unknown.leaseTasks(10, TimeUnit.SECONDS, 1));
        assertThrows(IllegalStateException.class, unknown::fetchStatistics);
        assertThrows(IllegalStateException.class, unknown::purge);
        assertThrows(IllegalStateException.class, () -> unknown.deleteTask("t1"));
    }

    @Test
    void pullOperationsOnAPushQueueAndPushTasksOnAPullQueue() {
        Queue push = SdkClient.queue("push-queue");
        assertThrows(InvalidQueueModeException.class, () -> push.leaseTasks(10, TimeUnit.SECONDS, 1));
        assertThrows(InvalidQueueModeException.class, () -> push.add(SdkClient.pull("x")));
        assertThrows(InvalidQueueModeException.class, () -> queue.add(TaskOptions.Builder.withPayload("push")));
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void modifyingAnUnknownTaskIsTaskNotFound() {
        TaskHandle ghost = SdkClient.handle(SdkClient.unique("ghost"), Q, System.currentTimeMillis() + 10_000);
        // TaskNotFoundException is package-private in the SDK: users catch it as a RuntimeException.
        RuntimeException e =
                assertThrows(RuntimeException.class, () -> queue.modifyTaskLease(ghost, 10, TimeUnit.SECONDS));
        assertEquals(
                "com.google.appengine.api.taskqueue.TaskNotFoundException",
                e.getClass().getName());
    }

    @Test
    void modifyingADeletedTaskReportsItsTombstone() {
        queue.add(SdkClient.pull("x"));
        TaskHandle t = queue.leaseTasks(60, TimeUnit.SECONDS, 1).get(0);
        assertTrue(queue.deleteTask(t));
        // TOMBSTONED_TASK, which the SDK translates to TaskAlreadyExistsException (App Engine's stub rule).
        assertThrows(TaskAlreadyExistsException.class, () -> queue.modifyTaskLease(t, 10, TimeUnit.SECONDS));
    }

    @Test
    void aStaleLeaseTokenIsAnExpiredLease() {
        queue.add(SdkClient.pull("x"));
        TaskHandle t = queue.leaseTasks(60, TimeUnit.SECONDS, 1).get(0);
        String token = Http.get(NATIVE + "/tasks/" + t.getName()).json().getString("leaseToken");
        Http.Resp other = Http.post(
                NATIVE + "/tasks/" + t.getName() + ":modifyLease",
                Json.createObjectBuilder()
                        .add("leaseToken", token)
                        .add("leaseSeconds", 120)
                        .build());
        assertEquals(200, other.status(), "another worker extended the lease: " + other.body());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> queue.modifyTaskLease(t, 10, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("lease"), e.getMessage());
        assertEquals(
                other.json().getString("leaseToken"),
                Long.toString(Http.get(NATIVE + "/tasks/" + t.getName())
                        .json()
                        .getJsonNumber("etaUsec")
                        .longValue()),
                "the refused call changed nothing");
    }

    @Test
    void anExpiredLeaseCannotBeExtended() {
        queue.add(SdkClient.pull("x"));
        TaskHandle t = queue.leaseTasks(1, TimeUnit.MILLISECONDS, 1).get(0);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (SdkClient.stats(Q).getJsonNumber("inFlight").longValue() > 0) {
            assertTrue(Instant.now().isBefore(deadline), "a 1 ms lease ran out");
            Thread.onSpinWait();
        }
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> queue.modifyTaskLease(t, 10, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("lease"), e.getMessage());
        assertEquals(1, queue.leaseTasks(60, TimeUnit.SECONDS, 1).size(), "the task is back in the queue");
    }

    @Test
    void aPausedQueueRefusesLeasesButTakesTasks() {
        queue.add(SdkClient.pull("x"));
        TaskHandle t = queue.leaseTasks(60, TimeUnit.SECONDS, 1).get(0);
        assertEquals(200, Http.post(NATIVE + ":pause", "").status());
        try {
            assertThrows(IllegalStateException.class, () -> queue.leaseTasks(60, TimeUnit.SECONDS, 1));
            assertThrows(IllegalStateException.class, () -> queue.modifyTaskLease(t, 10, TimeUnit.SECONDS));
            queue.add(SdkClient.pull("y"));
            assertEquals(2, SdkClient.count(Q));
        } finally {
            assertEquals(200, Http.post(NATIVE + ":resume", "").status());
        }
    }

    @Test
    void tooManyNamesInOneDeleteIsAnIllegalArgument() {
        String keep = SdkClient.unique("keep");
        queue.add(SdkClient.pull("keep").taskName(keep));
        List<TaskHandle> many = new ArrayList<>();
        many.add(SdkClient.handle(keep, Q, 0));
        for (int i = 0; i < 1000; i++) {
            many.add(SdkClient.handle("t" + i, Q, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> queue.deleteTask(many));
        assertEquals(1, SdkClient.count(Q), "nothing was deleted");
    }

    /**
     * A database that cannot be written (here: another process holds SQLite's write lock for longer than the
     * server's 10 s busy timeout) is TRANSIENT_ERROR, which the SDK raises as TransientFailureException.
     */
    @Test
    @Timeout(90)
    @DisabledIfSystemProperty(
            named = "pullqueue.it.store",
            matches = "postgres",
            disabledReason = "holds the embedded store's write lock from outside the server")
    void anUnwritableDatabaseIsATransientFailure() throws Exception {
        String db = System.getProperty("pullqueue.it.server.dir") + "/pullqueue.db";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("BEGIN IMMEDIATE");
            try {
                assertThrows(TransientFailureException.class, () -> queue.add(SdkClient.pull("x")));
            } finally {
                s.execute("ROLLBACK");
            }
        }
        assertEquals(0, SdkClient.count(Q), "the failed add left nothing behind");
        queue.add(SdkClient.pull("y"));
        assertEquals(1, SdkClient.count(Q), "the store works again once the lock is gone");
    }
}
