package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * A lease call that also deletes the previous batch ({@code deleteNames}): a worker in steady state makes one round
 * trip per batch. The deletes are a batch delete's, done before the lease; a bad request changes nothing; an error of
 * the lease after the deletes says they were done.
 */
@MicroShedTest
class LeaseAndDeleteIT {
    private static final String Q = "leasedel-queue";
    private static final String TASKS = "/api/v1/queues/" + Q + "/tasks/";

    @BeforeEach
    void empty() {
        Http.post("/api/v1/queues/" + Q + ":resume", "");
        NativeApi.purge(Q);
    }

    private static List<String> add(int n, String prefix) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = NativeApi.unique(prefix);
            assertEquals(
                    201,
                    NativeApi.add(Q, NativeApi.task("p" + i).add("name", name)).status());
            names.add(name);
        }
        return names;
    }

    private static JsonObjectBuilder lease(int max, List<String> deleteNames) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        deleteNames.forEach(a::add);
        return Json.createObjectBuilder()
                .add("maxTasks", max)
                .add("leaseSeconds", 60)
                .add("deleteNames", a);
    }

    private static Set<String> names(JsonArray tasks) {
        Set<String> s = new HashSet<>();
        for (JsonValue v : tasks) {
            s.add(v.asJsonObject().getString("name"));
        }
        return s;
    }

    private static void assertDeleted(JsonArray deleted, List<String> names, String status) {
        assertEquals(names.size(), deleted.size(), deleted.toString());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(names.get(i), deleted.getJsonObject(i).getString("name"));
            assertEquals(status, deleted.getJsonObject(i).getString("status"), deleted.toString());
        }
    }

    private static JsonObject task(String name) {
        Http.Resp r = Http.get(TASKS + name);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void eachLeaseDeletesThePreviousBatch() {
        List<String> all = add(6, "steady");
        Http.Resp first = NativeApi.lease(Q, 3, 60);
        assertEquals(200, first.status(), first.body());
        assertFalse(first.json().containsKey("deleted"), "a lease without deleteNames has no deleted");
        List<String> batch1 = new ArrayList<>(names(first.json().getJsonArray("tasks")));
        assertEquals(3, batch1.size());

        // Both ways a lease is served: at once (no wait), and as a call that may wait (it waits out its second:
        // by then the queue is empty).
        List<String> batch2 = null;
        for (double wait : new double[] {0, 1}) {
            Http.Resp second = NativeApi.lease(Q, lease(3, batch1).add("waitSeconds", wait));
            assertEquals(200, second.status(), second.body());
            assertDeleted(second.json().getJsonArray("deleted"), batch1, "OK");
            for (String n : batch1) {
                Http.Resp gone = Http.get(TASKS + n);
                assertEquals("TOMBSTONED_TASK", gone.reason(), gone.body());
                Http.Resp readd = NativeApi.add(Q, NativeApi.task("again").add("name", n));
                assertEquals("TOMBSTONED_TASK", readd.reason(), "the deleted name stays reserved");
            }
            Set<String> leased = names(second.json().getJsonArray("tasks"));
            if (wait == 0) {
                Set<String> rest = new HashSet<>(all);
                batch1.forEach(rest::remove);
                assertEquals(rest, leased, "the other three are leased");
                batch2 = batch1;
                batch1 = new ArrayList<>(leased);
            } else {
                assertTrue(leased.isEmpty(), second.body());
            }
        }
        assertEquals(0, NativeApi.taskCount(Q));
        Http.Resp again = NativeApi.lease(Q, lease(3, batch2));
        assertEquals(200, again.status(), again.body());
        assertDeleted(again.json().getJsonArray("deleted"), batch2, "TOMBSTONED_TASK");
    }

    @Test
    void unknownNamesAreReportedPerName() {
        String unknown = NativeApi.unique("never");
        List<String> leased = add(1, "known");
        assertEquals(1, NativeApi.lease(Q, 1, 60).json().getJsonArray("tasks").size());
        Http.Resp r = NativeApi.lease(Q, lease(1, List.of(unknown, leased.get(0))));
        assertEquals(200, r.status(), r.body());
        JsonArray deleted = r.json().getJsonArray("deleted");
        assertEquals("UNKNOWN_TASK", deleted.getJsonObject(0).getString("status"));
        assertEquals("OK", deleted.getJsonObject(1).getString("status"));
        assertEquals(0, r.json().getJsonArray("tasks").size());
        assertEquals(0, NativeApi.taskCount(Q));
    }

    @Test
    void aBadRequestDeletesAndLeasesNothing() {
        String leased = add(1, "kept").get(0);
        assertEquals(1, NativeApi.lease(Q, 1, 60).json().getJsonArray("tasks").size());
        String waiting = add(1, "waiting").get(0);
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add("n" + i);
        }
        Object[][] cases = {
            {lease(1, List.of()).add("deleteNames", leased), "deleteNames"},
            {lease(1, tooMany), "deleteNames"},
            {lease(1, List.of(leased, "not a name")), "deleteNames[1]"},
            {
                lease(1, List.of(leased))
                        .add(
                                "deleteNames",
                                Json.createArrayBuilder().add(leased).add(7)),
                "deleteNames[1]"
            },
            {lease(0, List.of(leased)), "maxTasks"},
            {lease(1, List.of(leased)).add("leaseSeconds", -1), "leaseSeconds"},
            {lease(1, List.of(leased)).add("waitSeconds", 21), "waitSeconds"},
        };
        for (Object[] c : cases) {
            Http.Resp r = NativeApi.lease(Q, (JsonObjectBuilder) c[0]);
            assertEquals(400, r.status(), r.body());
            assertEquals(c[1], r.field(), r.body());
            assertFalse(r.json().getJsonObject("error").containsKey("deleted"), r.body());
        }
        assertTrue(task(leased).getBoolean("leased"), "not deleted");
        assertFalse(task(waiting).getBoolean("leased"), "not leased");
    }

    /** The deletes are committed before the lease; when the lease then fails, the error says what was deleted. */
    @Test
    void anErrorAfterTheDeletesSaysTheyWereDone() {
        List<String> tasks = add(3, "paused");
        List<String> leased =
                new ArrayList<>(names(NativeApi.lease(Q, 2, 60).json().getJsonArray("tasks")));
        assertEquals(2, leased.size());
        assertEquals(200, Http.post("/api/v1/queues/" + Q + ":pause", "").status());
        try {
            for (int i = 0; i < 2; i++) {
                List<String> one = List.of(leased.get(i));
                // i = 0: answered at once; i = 1: a call that may wait (the paused queue fails it before any wait)
                Http.Resp r = NativeApi.lease(Q, lease(1, one).add("waitSeconds", i * 5));
                assertEquals(409, r.status(), r.body());
                assertEquals("QUEUE_PAUSED", r.reason());
                JsonObject error = r.json().getJsonObject("error");
                assertTrue(error.getString("message").contains("deleteNames were deleted"), r.body());
                assertDeleted(error.getJsonArray("deleted"), one, "OK");
                assertEquals("TOMBSTONED_TASK", Http.get(TASKS + one.get(0)).reason());
            }
        } finally {
            assertEquals(200, Http.post("/api/v1/queues/" + Q + ":resume", "").status());
        }
        Set<String> rest = new HashSet<>(tasks);
        leased.forEach(rest::remove);
        assertFalse(task(rest.iterator().next()).getBoolean("leased"), "the failed lease leased nothing");
    }

    /** A lease that waits deletes first, then waits: the previous batch is gone while the call still waits. */
    @Test
    void aWaitingLeaseDeletesBeforeItWaits() throws Exception {
        String done = add(1, "done").get(0);
        assertEquals(1, NativeApi.lease(Q, 1, 60).json().getJsonArray("tasks").size());
        CompletableFuture<Http.Resp> waiting = CompletableFuture.supplyAsync(
                () -> NativeApi.lease(Q, lease(1, List.of(done)).add("waitSeconds", 20)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (Http.get(TASKS + done).status() == 200) {
            assertTrue(System.nanoTime() < deadline, "the delete was not done while the lease waited");
            assertFalse(
                    waiting.isDone(),
                    () -> "answered before a task came: " + waiting.join().body());
            Thread.onSpinWait();
        }
        assertEquals("TOMBSTONED_TASK", Http.get(TASKS + done).reason());
        assertFalse(waiting.isDone(), "still waiting for a task");
        String next = add(1, "next").get(0);
        Http.Resp r = waiting.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        assertDeleted(r.json().getJsonArray("deleted"), List.of(done), "OK");
        assertEquals(Set.of(next), names(r.json().getJsonArray("tasks")));
    }
}
