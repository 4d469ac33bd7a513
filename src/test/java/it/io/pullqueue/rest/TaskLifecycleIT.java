package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/** The whole life of pull tasks through the native API: add, lease, extend, release, delete, tombstones. */
@MicroShedTest
class TaskLifecycleIT {
    private static final String Q = "rest-queue";

    @BeforeEach
    void empty() {
        NativeApi.purge(Q);
    }

    @Test
    void addLeaseExtendDelete() {
        String name = NativeApi.unique("life");
        Http.Resp added =
                NativeApi.add(Q, NativeApi.task("hello").add("name", name).add("tag", "red"));
        assertEquals(201, added.status(), added.body());
        assertEquals(name, added.json().getString("name"));

        Http.Resp leased = NativeApi.lease(Q, 10, 60);
        assertEquals(200, leased.status(), leased.body());
        JsonArray tasks = leased.json().getJsonArray("tasks");
        assertEquals(1, tasks.size());
        JsonObject t = tasks.getJsonObject(0);
        assertEquals(name, t.getString("name"));
        assertEquals("hello", NativeApi.text(t));
        assertEquals("red", t.getString("tag"));
        assertEquals(1, t.getInt("retryCount"));
        assertTrue(t.getBoolean("leased"));

        assertEquals(
                0, NativeApi.lease(Q, 10, 60).json().getJsonArray("tasks").size(), "a leased task is not leased twice");

        Http.Resp extended = NativeApi.modify(Q, name, t.getString("leaseToken"), 120);
        assertEquals(200, extended.status(), extended.body());
        String newToken = extended.json().getString("leaseToken");
        assertNotEquals(t.getString("leaseToken"), newToken);

        Http.Resp stale = NativeApi.modify(Q, name, t.getString("leaseToken"), 120);
        assertEquals(409, stale.status());
        assertEquals("TASK_LEASE_EXPIRED", stale.reason());

        assertEquals(204, Http.delete("/api/v1/queues/" + Q + "/tasks/" + name).status());
        Http.Resp again = Http.delete("/api/v1/queues/" + Q + "/tasks/" + name);
        assertEquals("TOMBSTONED_TASK", again.reason());
        Http.Resp readd = NativeApi.add(Q, NativeApi.task("x").add("name", name));
        assertEquals(409, readd.status());
        assertEquals("TOMBSTONED_TASK", readd.reason());
    }

    /**
     * A lease that does not wait is answered on the request's thread, one that may wait on a suspended request, and
     * a body the server cannot size up front (chunked, no Content-Length) goes the long way: every framing of the
     * same call leases the same way.
     */
    @Test
    void aLeaseIsAnsweredAlikeWhateverItsBodyLooksLike() {
        String uri = "/api/v1/queues/" + Q + "/tasks:lease";
        String[] bodies = {
            "{\"maxTasks\":1,\"leaseSeconds\":60}",
            "{\"maxTasks\":1,\"leaseSeconds\":60,\"waitSeconds\":0}",
            "{\"maxTasks\":1,\"leaseSeconds\":60,\"waitSeconds\":0.0001}",
            "{\"maxTasks\":1,\"leaseSeconds\":60,\"waitSeconds\":1}",
        };
        for (String body : bodies) {
            for (boolean chunked : new boolean[] {false, true}) {
                String name = NativeApi.unique("framing");
                assertEquals(
                        201,
                        NativeApi.add(Q, NativeApi.task("x").add("name", name)).status());
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                HttpRequest.BodyPublisher publisher = chunked
                        ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        : HttpRequest.BodyPublishers.ofByteArray(bytes);
                Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri(uri))
                        .header("Content-Type", "application/json")
                        .POST(publisher));
                String what = body + (chunked ? " chunked" : "");
                assertEquals(200, r.status(), what + ": " + r.body());
                JsonArray tasks = r.json().getJsonArray("tasks");
                assertEquals(1, tasks.size(), what + ": " + r.body());
                assertEquals(name, tasks.getJsonObject(0).getString("name"), what);
                assertTrue(tasks.getJsonObject(0).getBoolean("leased"), what);
            }
        }
        Http.Resp bad = NativeApi.lease(
                Q, Json.createObjectBuilder().add("maxTasks", "1").add("leaseSeconds", 60));
        assertEquals(400, bad.status(), bad.body());
        assertEquals("maxTasks", bad.field());
    }

    @Test
    void releasedLeaseCanBeLeasedAgain() {
        NativeApi.add(Q, NativeApi.task("r"));
        JsonObject t = NativeApi.lease(Q, 1, 300).json().getJsonArray("tasks").getJsonObject(0);
        Http.Resp released = NativeApi.modify(Q, t.getString("name"), t.getString("leaseToken"), 0);
        assertEquals(200, released.status(), released.body());
        JsonObject again =
                NativeApi.lease(Q, 1, 300).json().getJsonArray("tasks").getJsonObject(0);
        assertEquals(t.getString("name"), again.getString("name"));
        assertEquals(2, again.getInt("retryCount"));
    }

    @Test
    void duplicateNamesAreReportedPerTaskInABatch() {
        String name = NativeApi.unique("dup");
        assertEquals(
                201, NativeApi.add(Q, NativeApi.task("first").add("name", name)).status());
        Http.Resp r =
                NativeApi.batchAdd(Q, NativeApi.task("a"), NativeApi.task("b").add("name", name), NativeApi.task("c"));
        assertEquals(200, r.status(), r.body());
        JsonArray results = r.json().getJsonArray("results");
        assertEquals("OK", results.getJsonObject(0).getString("status"));
        assertEquals("TASK_ALREADY_EXISTS", results.getJsonObject(1).getString("status"));
        assertEquals("OK", results.getJsonObject(2).getString("status"));
        assertEquals(3, NativeApi.taskCount(Q));
    }

    @Test
    void leaseByTagAndByTheOldestTasksTag() {
        NativeApi.batchAdd(
                Q,
                NativeApi.task("1").add("tag", "blue"),
                NativeApi.task("2").add("tag", "green"),
                NativeApi.task("3").add("tag", "blue"),
                NativeApi.task("4"));
        JsonArray green = NativeApi.lease(
                        Q,
                        Json.createObjectBuilder()
                                .add("maxTasks", 10)
                                .add("leaseSeconds", 60)
                                .add("tag", "green"))
                .json()
                .getJsonArray("tasks");
        assertEquals(1, green.size());
        assertEquals("2", NativeApi.text(green.getJsonObject(0)));

        JsonArray oldest = NativeApi.lease(
                        Q,
                        Json.createObjectBuilder()
                                .add("maxTasks", 10)
                                .add("leaseSeconds", 60)
                                .add("groupByTag", true))
                .json()
                .getJsonArray("tasks");
        assertEquals(2, oldest.size(), "the oldest task is tagged blue: only blue tasks");
        for (int i = 0; i < oldest.size(); i++) {
            assertEquals("blue", oldest.getJsonObject(i).getString("tag"));
        }
        JsonArray untagged = NativeApi.lease(
                        Q,
                        Json.createObjectBuilder()
                                .add("maxTasks", 10)
                                .add("leaseSeconds", 60)
                                .add("groupByTag", true))
                .json()
                .getJsonArray("tasks");
        assertEquals(1, untagged.size());
        assertFalse(untagged.getJsonObject(0).containsKey("tag"));
    }

    @Test
    void batchDeleteReportsEachName() {
        String a = NativeApi.unique("del");
        NativeApi.add(Q, NativeApi.task("a").add("name", a));
        String never = NativeApi.unique("never");
        Http.Resp r = Http.post(
                "/api/v1/queues/" + Q + "/tasks:batchDelete",
                Json.createObjectBuilder()
                        .add(
                                "names",
                                Json.createArrayBuilder().add(a).add(never).add(a))
                        .build());
        assertEquals(200, r.status(), r.body());
        JsonArray results = r.json().getJsonArray("results");
        assertEquals("OK", results.getJsonObject(0).getString("status"));
        assertEquals("UNKNOWN_TASK", results.getJsonObject(1).getString("status"));
        assertEquals("TOMBSTONED_TASK", results.getJsonObject(2).getString("status"));
    }

    @Test
    void listPagesThroughEveryTaskWithoutPayloads() {
        for (int i = 0; i < 5; i++) {
            NativeApi.add(Q, NativeApi.task("p" + i));
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            Http.Resp r = Http.get(
                    "/api/v1/queues/" + Q + "/tasks?pageSize=2" + (token == null ? "" : "&pageToken=" + token));
            assertEquals(200, r.status(), r.body());
            JsonArray tasks = r.json().getJsonArray("tasks");
            for (int i = 0; i < tasks.size(); i++) {
                assertFalse(tasks.getJsonObject(i).containsKey("payload"));
                seen.add(tasks.getJsonObject(i).getString("name"));
            }
            token = r.json().containsKey("nextPageToken") ? r.json().getString("nextPageToken") : null;
            pages++;
        } while (token != null);
        assertEquals(5, seen.size());
        assertEquals(3, pages);
    }

    @Test
    void getReturnsThePayloadAndQueueStatsCountEverything() {
        String name = NativeApi.unique("get");
        NativeApi.add(Q, NativeApi.task("payload!").add("name", name).add("countdownSeconds", 3600));
        JsonObject t = Http.get("/api/v1/queues/" + Q + "/tasks/" + name).json();
        assertEquals("payload!", NativeApi.text(t));
        assertEquals(0, t.getInt("retryCount"));
        assertEquals(
                0,
                NativeApi.lease(Q, 10, 60).json().getJsonArray("tasks").size(),
                "a task with a future ETA is not due");
        JsonObject stats = Http.get("/api/v1/queues/" + Q).json().getJsonObject("stats");
        assertEquals(1, stats.getInt("tasks"));
        assertEquals(0, stats.getInt("due"));
        assertEquals(
                404,
                Http.get("/api/v1/queues/" + Q + "/tasks/" + NativeApi.unique("nope"))
                        .status());
    }

    @Test
    void retryLimitRemovesTheTaskInsteadOfLeasingItAgain() {
        String q = "limited";
        NativeApi.purge(q);
        String name = NativeApi.unique("lim");
        NativeApi.add(q, NativeApi.task("x").add("name", name));
        for (int lease = 1; lease <= 2; lease++) {
            JsonArray t = NativeApi.lease(q, 1, 0).json().getJsonArray("tasks");
            assertEquals(1, t.size(), "lease " + lease + " of 2 is allowed");
            assertEquals(lease, t.getJsonObject(0).getInt("retryCount"));
        }
        assertEquals(
                0, NativeApi.lease(q, 1, 0).json().getJsonArray("tasks").size(), "the third lease removes the task");
        assertEquals(
                "TOMBSTONED_TASK",
                Http.get("/api/v1/queues/" + q + "/tasks/" + name).reason());
    }

    @Test
    void pausedQueueRefusesLeasesButTakesTasks() {
        String q = "pull-queue";
        NativeApi.purge(q);
        try {
            assertTrue(Http.post("/api/v1/queues/" + q + ":pause", "").json().getBoolean("paused"));
            assertEquals(201, NativeApi.add(q, NativeApi.task("while paused")).status());
            Http.Resp r = NativeApi.lease(q, 1, 60);
            assertEquals(409, r.status());
            assertEquals("QUEUE_PAUSED", r.reason());
        } finally {
            assertFalse(Http.post("/api/v1/queues/" + q + ":resume", "").json().getBoolean("paused"));
        }
        assertEquals(1, NativeApi.lease(q, 10, 60).json().getJsonArray("tasks").size(), "resumed: leasable again");
        NativeApi.purge(q);
    }
}
