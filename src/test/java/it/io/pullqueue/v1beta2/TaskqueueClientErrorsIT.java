package it.io.pullqueue.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.taskqueue.Taskqueue;
import com.google.api.services.taskqueue.model.Task;
import it.io.pullqueue.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Conformance: what Google's generated client sees when a call fails. Every failure is a
 * {@code GoogleJsonResponseException} with the right HTTP status and a parsed error envelope, and changes nothing.
 */
@MicroShedTest
class TaskqueueClientErrorsIT {
    private static final String Q = "v1beta2-queue";
    private final Taskqueue tq = Tq.client();
    private long before;
    private String keep;

    @BeforeEach
    void seed() throws Exception {
        Tq.purge(Q);
        keep = Tq.unique("keep");
        tq.tasks().insert(Tq.PROJECT, Q, Tq.task(Q, "keep me").setId(keep)).execute();
        before = Tq.count(Q);
    }

    @AfterEach
    void unchanged() {
        Http.post("/api/v1/queues/" + Q + ":resume", "");
        assertEquals(before, Tq.count(Q), "a failed call changes no stored data");
    }

    @Test
    void unknownQueueTaskAndProjectAre404() {
        GoogleJsonResponseException e = Tq.fails(404, () -> tq.tasks().lease(Tq.PROJECT, "no-such-queue", 1, 10)
                .execute());
        assertEquals("notFound", Tq.reason(e));
        assertEquals("UNKNOWN_QUEUE", Tq.appEngineError(e));
        assertEquals("taskqueue", Tq.location(e));
        Tq.fails(404, () -> tq.taskqueues().get(Tq.PROJECT, "no-such-queue").execute());
        assertEquals("UNKNOWN_TASK", Tq.appEngineError(Tq.fails(404,
                () -> tq.tasks().get(Tq.PROJECT, Q, "nobody").execute())));
        Tq.fails(404, () -> tq.tasks().delete(Tq.PROJECT, Q, "nobody").execute());
        GoogleJsonResponseException p = Tq.fails(404, () -> tq.tasks().list("s~some-other-app", Q).execute());
        assertEquals("project", Tq.location(p));
        assertTrue(p.getDetails().getMessage().contains(Tq.APP), p.getDetails().getMessage());
        Tq.fails(404, () -> tq.tasks().insert("other", Q, Tq.task(Q, "x")).execute());
    }

    @Test
    void aDeletedTaskIsGone() throws Exception {
        String gone = Tq.unique("gone");
        tq.tasks().insert(Tq.PROJECT, Q, Tq.task(Q, "bye").setId(gone)).execute();
        tq.tasks().delete(Tq.PROJECT, Q, gone).execute();
        assertEquals("TOMBSTONED_TASK", Tq.appEngineError(Tq.fails(404,
                () -> tq.tasks().delete(Tq.PROJECT, Q, gone).execute())));
        Tq.fails(404, () -> tq.tasks().get(Tq.PROJECT, Q, gone).execute());
        assertEquals("TOMBSTONED_TASK", Tq.appEngineError(Tq.fails(409,
                () -> tq.tasks().insert(Tq.PROJECT, Q, Tq.task(Q, "again").setId(gone)).execute())),
                "the name of a deleted task stays reserved");
    }

    @Test
    void aDuplicateIdIs409() {
        GoogleJsonResponseException e = Tq.fails(409,
                () -> tq.tasks().insert(Tq.PROJECT, Q, Tq.task(Q, "twin").setId(keep)).execute());
        assertEquals("conflict", Tq.reason(e));
        assertEquals("TASK_ALREADY_EXISTS", Tq.appEngineError(e));
        assertEquals("id", Tq.location(e));
    }

    @Test
    void aStaleLeaseTokenIs409() throws Exception {
        Task leased = tq.tasks().lease(Tq.PROJECT, Q, 1, 60).execute().getItems().get(0);
        Task extended = tq.tasks().update(Tq.PROJECT, Q, keep, 120, leased).execute();
        GoogleJsonResponseException e = Tq.fails(409,
                () -> tq.tasks().patch(Tq.PROJECT, Q, keep, 60, leased).execute());
        assertEquals("TASK_LEASE_EXPIRED", Tq.appEngineError(e));
        assertEquals("leaseTimestamp", Tq.location(e));
        assertEquals(extended.getLeaseTimestamp(), tq.tasks().get(Tq.PROJECT, Q, keep).execute()
                .getLeaseTimestamp(), "the stale call did not move the lease");
    }

    @Test
    void anExpiredLeaseIs409() throws Exception {
        // A zero-second lease has run out by the time the next request reaches the server.
        Task leased = tq.tasks().lease(Tq.PROJECT, Q, 1, 0).execute().getItems().get(0);
        assertEquals("TASK_LEASE_EXPIRED", Tq.appEngineError(Tq.fails(409,
                () -> tq.tasks().update(Tq.PROJECT, Q, keep, 60, leased).execute())));
    }

    @Test
    void badArgumentsAre400() {
        GoogleJsonResponseException many = Tq.fails(400, () -> tq.tasks().lease(Tq.PROJECT, Q, 1001, 10).execute());
        assertEquals("badRequest", Tq.reason(many));
        assertEquals("numTasks", Tq.location(many));
        assertEquals("numTasks", Tq.location(Tq.fails(400, () -> tq.tasks().lease(Tq.PROJECT, Q, 0, 10).execute())));
        assertEquals("leaseSecs", Tq.location(Tq.fails(400,
                () -> tq.tasks().lease(Tq.PROJECT, Q, 1, 604_801).execute())));
        assertEquals("leaseSecs", Tq.location(Tq.fails(400, () -> tq.tasks().lease(Tq.PROJECT, Q, 1, -1).execute())));
        assertEquals("tag", Tq.location(Tq.fails(400,
                () -> tq.tasks().lease(Tq.PROJECT, Q, 1, 10).setTag("red").execute())));
        assertEquals("newLeaseSeconds", Tq.location(Tq.fails(400,
                () -> tq.tasks().update(Tq.PROJECT, Q, keep, 604_801, new Task().setQueueName(Q)
                        .setLeaseTimestamp(1L)).execute())));
        assertEquals("leaseTimestamp", Tq.location(Tq.fails(400,
                () -> tq.tasks().patch(Tq.PROJECT, Q, keep, 10, new Task().setQueueName(Q)).execute())));
        assertEquals("id", Tq.location(Tq.fails(400,
                () -> tq.tasks().insert(Tq.PROJECT, Q, Tq.task(Q, "x").setId("has space")).execute())));
        assertEquals("tag", Tq.location(Tq.fails(400,
                () -> tq.tasks().insert(Tq.PROJECT, Q, Tq.task(Q, "x").setTag("t".repeat(501))).execute())));
        assertEquals("payloadBase64", Tq.location(Tq.fails(400,
                () -> tq.tasks().insert(Tq.PROJECT, Q, new Task().setQueueName(Q)).execute())));
        assertEquals("queueName", Tq.location(Tq.fails(400,
                () -> tq.tasks().insert(Tq.PROJECT, Q, Tq.task("another-queue", "x")).execute())));
        assertEquals("taskqueue", Tq.location(Tq.fails(400,
                () -> tq.tasks().list(Tq.PROJECT, "bad_name").execute())));
    }

    @Test
    void anOversizedTaskIs413() {
        String big = java.util.Base64.getEncoder().encodeToString(new byte[1_048_577]);
        GoogleJsonResponseException e = Tq.fails(413,
                () -> tq.tasks().insert(Tq.PROJECT, Q, new Task().setQueueName(Q).setPayloadBase64(big)).execute());
        assertEquals("TASK_TOO_LARGE", Tq.appEngineError(e));
        assertEquals("payloadBase64", Tq.location(e));
    }

    @Test
    void aPushQueueOrAPausedQueueIs409() {
        assertEquals("INVALID_QUEUE_MODE", Tq.appEngineError(Tq.fails(409,
                () -> tq.tasks().lease(Tq.PROJECT, "push-queue", 1, 10).execute())));
        Tq.fails(409, () -> tq.taskqueues().get(Tq.PROJECT, "push-queue").execute());
        assertEquals(200, Http.post("/api/v1/queues/" + Q + ":pause", "").status());
        assertEquals("QUEUE_PAUSED", Tq.appEngineError(Tq.fails(409,
                () -> tq.tasks().lease(Tq.PROJECT, Q, 1, 10).execute())));
    }
}
