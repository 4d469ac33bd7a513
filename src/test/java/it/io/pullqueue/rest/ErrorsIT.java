package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Bad input gets a 4xx in the one error shape, naming the field and the limit, and never changes stored data.
 */
@MicroShedTest
class ErrorsIT {
    private static final String Q = "rest-queue";
    private long before;

    @BeforeEach
    void seed() {
        NativeApi.purge(Q);
        NativeApi.add(Q, NativeApi.task("keep me"));
        before = NativeApi.taskCount(Q);
    }

    private void assertError(Http.Resp r, int status, String reason, String field) {
        assertEquals(status, r.status(), r.body());
        JsonObject e = r.json().getJsonObject("error");
        assertEquals(status, e.getInt("code"));
        assertEquals(reason, e.getString("reason"));
        assertFalse(e.getString("message").isBlank());
        if (field != null) {
            assertEquals(field, e.getString("field"));
        }
        assertFalse(r.body().contains("Exception"), "no stack traces or class names: " + r.body());
        assertEquals(before, NativeApi.taskCount(Q), "stored data unchanged");
    }

    @Test
    void malformedJson() {
        assertError(Http.post("/api/v1/queues/" + Q + "/tasks", "{\"payload\": "), 400, "INVALID_REQUEST", null);
        assertError(Http.post("/api/v1/queues/" + Q + "/tasks", "[1,2]"), 400, "INVALID_REQUEST", null);
        assertError(Http.post("/api/v1/queues/" + Q + "/tasks", ""), 400, "INVALID_REQUEST", null);
    }

    @Test
    void wrongTypesAndUnknownFields() {
        assertError(NativeApi.add(Q, Json.createObjectBuilder().add("payload", 5)), 400, "INVALID_REQUEST", "payload");
        assertError(NativeApi.add(Q, NativeApi.task("x").add("colour", "red")), 400, "INVALID_REQUEST", "colour");
        assertError(
                NativeApi.add(Q, Json.createObjectBuilder().add("payload", "***")), 400, "INVALID_REQUEST", "payload");
        assertError(NativeApi.add(Q, Json.createObjectBuilder()), 400, "INVALID_REQUEST", "payload");
        assertError(
                NativeApi.lease(
                        Q, Json.createObjectBuilder().add("maxTasks", "ten").add("leaseSeconds", 5)),
                400,
                "INVALID_REQUEST",
                "maxTasks");
    }

    @Test
    void namesAndTagsBreakingTheRules() {
        assertError(NativeApi.add(Q, NativeApi.task("x").add("name", "has space")), 400, "INVALID_TASK_NAME", "name");
        assertError(
                NativeApi.add(Q, NativeApi.task("x").add("name", "n".repeat(501))), 400, "INVALID_TASK_NAME", "name");
        assertError(NativeApi.add(Q, NativeApi.task("x").add("tag", "t".repeat(501))), 400, "INVALID_TAG", "tag");
        assertError(Http.get("/api/v1/queues/bad_name"), 400, "INVALID_QUEUE_NAME", "queue");
        assertError(Http.get("/api/v1/queues/no-such-queue"), 404, "UNKNOWN_QUEUE", "queue");
        assertError(NativeApi.add("no-such-queue", NativeApi.task("x")), 404, "UNKNOWN_QUEUE", "queue");
        assertError(NativeApi.lease("push-queue", 1, 10), 409, "INVALID_QUEUE_MODE", "queue");
    }

    @Test
    void sizeAndCountLimits() {
        byte[] over = new byte[1_048_577];
        assertError(
                NativeApi.add(
                        Q,
                        Json.createObjectBuilder()
                                .add("payload", java.util.Base64.getEncoder().encodeToString(over))),
                413,
                "TASK_TOO_LARGE",
                "payload");
        JsonArrayBuilder many = Json.createArrayBuilder();
        for (int i = 0; i < 101; i++) {
            many.add(NativeApi.task("t" + i));
        }
        assertError(
                Http.post(
                        "/api/v1/queues/" + Q + "/tasks:batchAdd",
                        Json.createObjectBuilder().add("tasks", many).build()),
                400,
                "TOO_MANY_TASKS",
                "tasks");
        assertError(
                NativeApi.batchAdd(
                        Q, NativeApi.task("ok"), NativeApi.task("bad").add("name", "a b")),
                400,
                "INVALID_TASK_NAME",
                "tasks[1].name");
        assertError(NativeApi.lease(Q, 1001, 10), 400, "INVALID_REQUEST", "maxTasks");
        assertError(NativeApi.lease(Q, 0, 10), 400, "INVALID_REQUEST", "maxTasks");
        assertError(NativeApi.lease(Q, 1, 604_801), 400, "INVALID_REQUEST", "leaseSeconds");
        assertError(NativeApi.lease(Q, 1, -1), 400, "INVALID_REQUEST", "leaseSeconds");
        assertError(
                NativeApi.lease(
                        Q,
                        Json.createObjectBuilder()
                                .add("maxTasks", 1)
                                .add("leaseSeconds", 1)
                                .add("waitSeconds", 21)),
                400,
                "INVALID_REQUEST",
                "waitSeconds");
        assertError(
                NativeApi.add(Q, NativeApi.task("x").add("countdownSeconds", 31.0 * 24 * 3600)),
                400,
                "INVALID_ETA",
                "countdownSeconds");
        assertError(NativeApi.add(Q, NativeApi.task("x").add("eta", "yesterday")), 400, "INVALID_ETA", "eta");
    }

    @Test
    void badLeaseTokens() {
        NativeApi.purge(Q);
        String name = NativeApi.unique("tok");
        NativeApi.add(Q, NativeApi.task("t").add("name", name));
        before = NativeApi.taskCount(Q);
        JsonObject t = NativeApi.lease(Q, 1, 60).json().getJsonArray("tasks").getJsonObject(0);
        long token = Long.parseLong(t.getString("leaseToken"));
        assertError(NativeApi.modify(Q, name, Long.toString(token - 1), 30), 409, "TASK_LEASE_EXPIRED", "leaseToken");
        assertError(NativeApi.modify(Q, name, "not-a-number", 30), 400, "INVALID_REQUEST", "leaseToken");
        assertError(
                NativeApi.modify(Q, NativeApi.unique("ghost"), Long.toString(token), 30), 404, "UNKNOWN_TASK", "name");
    }

    @Test
    void oversizedBodyIsRefusedBeforeItIsRead() {
        long fifty = 50L * 1024 * 1024;
        Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri("/api/v1/queues/" + Q + "/tasks:batchAdd"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(zeros(fifty), fifty)));
        assertError(r, 413, "REQUEST_TOO_LARGE", null);
    }

    @Test
    void unknownPathsAndMethodsUseTheErrorShape() {
        assertError(Http.get("/api/v1/nothing-here"), 404, "NOT_FOUND", null);
        assertError(Http.delete("/api/v1/queues/" + Q), 405, "METHOD_NOT_ALLOWED", null);
        String lease = "/api/v1/queues/" + Q + "/tasks:lease";
        assertError(Http.get(lease), 405, "METHOD_NOT_ALLOWED", null);
        // The method the server gives a lease that does not wait, internally, cannot be asked for.
        assertError(
                Http.send(HttpRequest.newBuilder(Http.uri(lease))
                        .header("Content-Type", "application/json")
                        .method(
                                "PULLQUEUE-LEASE-NOW",
                                HttpRequest.BodyPublishers.ofString("{\"maxTasks\":1,\"leaseSeconds\":60}"))),
                405,
                "METHOD_NOT_ALLOWED",
                null);
    }

    /** A body of n bytes produced on demand, so the test never holds it in memory either. */
    private static Flow.Publisher<ByteBuffer> zeros(long n) {
        return subscriber -> {
            subscriber.onSubscribe(new Flow.Subscription() {
                long sent;
                boolean done;

                @Override
                public void request(long k) {
                    for (long i = 0; i < k && !done; i++) {
                        if (sent >= n) {
                            done = true;
                            subscriber.onComplete();
                            return;
                        }
                        int len = (int) Math.min(65536, n - sent);
                        sent += len;
                        subscriber.onNext(ByteBuffer.wrap(new byte[len]));
                    }
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        };
    }

    @Test
    void badListingFiltersHistoryWindowsAndRunNowCalls() {
        String tasks = "/api/v1/queues/" + Q + "/tasks";
        assertError(Http.get(tasks + "?state=stuck"), 400, "INVALID_REQUEST", "state");
        assertError(Http.get(tasks + "?order=age"), 400, "INVALID_REQUEST", "order");
        assertError(Http.get(tasks + "?order=eta&pageToken=bm9jb2xvbg"), 400, "INVALID_REQUEST", "pageToken");
        assertError(Http.get(tasks + "?tag=" + "x".repeat(501)), 400, "INVALID_TAG", "tag");
        assertError(Http.get(tasks + "?pageSize=1001&state=due"), 400, "INVALID_REQUEST", "pageSize");
        assertError(Http.get("/api/v1/queues/" + Q + "/history?seconds=0"), 400, "INVALID_REQUEST", "seconds");
        assertError(Http.get("/api/v1/queues/" + Q + "/history?seconds=86401"), 400, "INVALID_REQUEST", "seconds");
        assertError(Http.get("/api/v1/queues/no-such-queue/history"), 404, "UNKNOWN_QUEUE", "queue");
        assertError(Http.post(tasks + ":runNow", "{}"), 400, "INVALID_REQUEST", "names");
        JsonArrayBuilder many = Json.createArrayBuilder();
        for (int i = 0; i < 1001; i++) {
            many.add("t" + i);
        }
        assertError(
                Http.post(
                        tasks + ":runNow",
                        Json.createObjectBuilder().add("names", many).build()),
                400,
                "TOO_MANY_TASKS",
                "names");
        Http.Resp r = Http.post(
                tasks + ":runNow",
                Json.createObjectBuilder()
                        .add(
                                "names",
                                Json.createArrayBuilder().add("no-such-task").add("bad name"))
                        .build());
        assertEquals(200, r.status(), r.body());
        assertEquals(
                "[{\"name\":\"no-such-task\",\"status\":\"UNKNOWN_TASK\"},"
                        + "{\"name\":\"bad name\",\"status\":\"INVALID_TASK_NAME\"}]",
                r.json().getJsonArray("results").toString());
    }
}
