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
    private final Taskqueue tq = V1beta2Api.client();
    private long before;
    private String keep;

    @BeforeEach
    void seed() throws Exception {
        V1beta2Api.purge(Q);
        keep = V1beta2Api.unique("keep");
        tq.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "keep me").setId(keep))
                .execute();
        before = V1beta2Api.count(Q);
    }

    @AfterEach
    void unchanged() {
        Http.post("/api/v1/queues/" + Q + ":resume", "");
        assertEquals(before, V1beta2Api.count(Q), "a failed call changes no stored data");
    }

    @Test
    void unknownQueueTaskAndProjectAre404() {
        GoogleJsonResponseException e = V1beta2Api.fails(
                404,
                () -> tq.tasks()
                        .lease(V1beta2Api.PROJECT, "no-such-queue", 1, 10)
                        .execute());
        assertEquals("notFound", V1beta2Api.reason(e));
        assertEquals("UNKNOWN_QUEUE", V1beta2Api.appEngineError(e));
        assertEquals("taskqueue", V1beta2Api.location(e));
        V1beta2Api.fails(
                404,
                () -> tq.taskqueues().get(V1beta2Api.PROJECT, "no-such-queue").execute());
        assertEquals(
                "UNKNOWN_TASK",
                V1beta2Api.appEngineError(V1beta2Api.fails(
                        404,
                        () -> tq.tasks().get(V1beta2Api.PROJECT, Q, "nobody").execute())));
        V1beta2Api.fails(
                404, () -> tq.tasks().delete(V1beta2Api.PROJECT, Q, "nobody").execute());
        GoogleJsonResponseException p = V1beta2Api.fails(
                404, () -> tq.tasks().list("s~some-other-app", Q).execute());
        assertEquals("project", V1beta2Api.location(p));
        assertTrue(
                p.getDetails().getMessage().contains(V1beta2Api.APP),
                p.getDetails().getMessage());
        V1beta2Api.fails(
                404,
                () -> tq.tasks().insert("other", Q, V1beta2Api.task(Q, "x")).execute());
    }

    @Test
    void aDeletedTaskIsGone() throws Exception {
        String gone = V1beta2Api.unique("gone");
        tq.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "bye").setId(gone))
                .execute();
        tq.tasks().delete(V1beta2Api.PROJECT, Q, gone).execute();
        assertEquals(
                "TOMBSTONED_TASK",
                V1beta2Api.appEngineError(V1beta2Api.fails(
                        404,
                        () -> tq.tasks().delete(V1beta2Api.PROJECT, Q, gone).execute())));
        V1beta2Api.fails(404, () -> tq.tasks().get(V1beta2Api.PROJECT, Q, gone).execute());
        assertEquals(
                "TOMBSTONED_TASK",
                V1beta2Api.appEngineError(V1beta2Api.fails(
                        409,
                        () -> tq.tasks()
                                .insert(
                                        V1beta2Api.PROJECT,
                                        Q,
                                        V1beta2Api.task(Q, "again").setId(gone))
                                .execute())),
                "the name of a deleted task stays reserved");
    }

    @Test
    void aDuplicateIdIs409() {
        GoogleJsonResponseException e = V1beta2Api.fails(
                409,
                () -> tq.tasks()
                        .insert(
                                V1beta2Api.PROJECT,
                                Q,
                                V1beta2Api.task(Q, "twin").setId(keep))
                        .execute());
        assertEquals("conflict", V1beta2Api.reason(e));
        assertEquals("TASK_ALREADY_EXISTS", V1beta2Api.appEngineError(e));
        assertEquals("id", V1beta2Api.location(e));
    }

    @Test
    void aStaleLeaseTokenIs409() throws Exception {
        Task leased = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 1, 60)
                .execute()
                .getItems()
                .get(0);
        Task extended =
                tq.tasks().update(V1beta2Api.PROJECT, Q, keep, 120, leased).execute();
        GoogleJsonResponseException e = V1beta2Api.fails(
                409,
                () -> tq.tasks().patch(V1beta2Api.PROJECT, Q, keep, 60, leased).execute());
        assertEquals("TASK_LEASE_EXPIRED", V1beta2Api.appEngineError(e));
        assertEquals("leaseTimestamp", V1beta2Api.location(e));
        assertEquals(
                extended.getLeaseTimestamp(),
                tq.tasks().get(V1beta2Api.PROJECT, Q, keep).execute().getLeaseTimestamp(),
                "the stale call did not move the lease");
    }

    @Test
    void anExpiredLeaseIs409() throws Exception {
        // A zero-second lease has run out by the time the next request reaches the server.
        Task leased = tq.tasks()
                .lease(V1beta2Api.PROJECT, Q, 1, 0)
                .execute()
                .getItems()
                .get(0);
        assertEquals(
                "TASK_LEASE_EXPIRED",
                V1beta2Api.appEngineError(V1beta2Api.fails(
                        409,
                        () -> tq.tasks()
                                .update(V1beta2Api.PROJECT, Q, keep, 60, leased)
                                .execute())));
    }

    @Test
    void badArgumentsAre400() {
        GoogleJsonResponseException many = V1beta2Api.fails(
                400, () -> tq.tasks().lease(V1beta2Api.PROJECT, Q, 1001, 10).execute());
        assertEquals("badRequest", V1beta2Api.reason(many));
        assertEquals("numTasks", V1beta2Api.location(many));
        assertEquals(
                "numTasks",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks().lease(V1beta2Api.PROJECT, Q, 0, 10).execute())));
        assertEquals(
                "leaseSecs",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .lease(V1beta2Api.PROJECT, Q, 1, 604_801)
                                .execute())));
        assertEquals(
                "leaseSecs",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks().lease(V1beta2Api.PROJECT, Q, 1, -1).execute())));
        assertEquals(
                "tag",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .lease(V1beta2Api.PROJECT, Q, 1, 10)
                                .setTag("red")
                                .execute())));
        assertEquals(
                "newLeaseSeconds",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .update(
                                        V1beta2Api.PROJECT,
                                        Q,
                                        keep,
                                        604_801,
                                        new Task().setQueueName(Q).setLeaseTimestamp(1L))
                                .execute())));
        assertEquals(
                "leaseTimestamp",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .patch(V1beta2Api.PROJECT, Q, keep, 10, new Task().setQueueName(Q))
                                .execute())));
        assertEquals(
                "id",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .insert(
                                        V1beta2Api.PROJECT,
                                        Q,
                                        V1beta2Api.task(Q, "x").setId("has space"))
                                .execute())));
        assertEquals(
                "tag",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .insert(
                                        V1beta2Api.PROJECT,
                                        Q,
                                        V1beta2Api.task(Q, "x").setTag("t".repeat(501)))
                                .execute())));
        assertEquals(
                "payloadBase64",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .insert(V1beta2Api.PROJECT, Q, new Task().setQueueName(Q))
                                .execute())));
        assertEquals(
                "queueName",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks()
                                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task("another-queue", "x"))
                                .execute())));
        assertEquals(
                "taskqueue",
                V1beta2Api.location(V1beta2Api.fails(
                        400,
                        () -> tq.tasks().list(V1beta2Api.PROJECT, "bad_name").execute())));
    }

    @Test
    void anOversizedTaskIs413() {
        String big = java.util.Base64.getEncoder().encodeToString(new byte[1_048_577]);
        GoogleJsonResponseException e = V1beta2Api.fails(
                413,
                () -> tq.tasks()
                        .insert(
                                V1beta2Api.PROJECT,
                                Q,
                                new Task().setQueueName(Q).setPayloadBase64(big))
                        .execute());
        assertEquals("TASK_TOO_LARGE", V1beta2Api.appEngineError(e));
        assertEquals("payloadBase64", V1beta2Api.location(e));
    }

    @Test
    void aPushQueueOrAPausedQueueIs409() {
        assertEquals(
                "INVALID_QUEUE_MODE",
                V1beta2Api.appEngineError(V1beta2Api.fails(
                        409,
                        () -> tq.tasks()
                                .lease(V1beta2Api.PROJECT, "push-queue", 1, 10)
                                .execute())));
        V1beta2Api.fails(
                409, () -> tq.taskqueues().get(V1beta2Api.PROJECT, "push-queue").execute());
        assertEquals(200, Http.post("/api/v1/queues/" + Q + ":pause", "").status());
        assertEquals(
                "QUEUE_PAUSED",
                V1beta2Api.appEngineError(V1beta2Api.fails(
                        409,
                        () -> tq.tasks().lease(V1beta2Api.PROJECT, Q, 1, 10).execute())));
    }
}
