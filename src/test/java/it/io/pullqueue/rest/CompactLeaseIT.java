package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.api.rest.LeasedBody;
import it.io.pullqueue.Http;
import it.io.pullqueue.Metrics;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * The compact lease answer ({@code application/vnd.pullqueue.leased}, docs/api.md): what a worker that asks for it
 * gets is every byte it added, with tokens it can use, on both ways a lease is served (at once and long poll), with
 * deleteNames; errors stay JSON; a caller that does not prefer it gets JSON as before.
 */
@MicroShedTest
class CompactLeaseIT {
    private static final String Q = "compact-queue";
    private static final String TYPE = "application/vnd.pullqueue.leased";
    /** What the worker library sends. */
    private static final String PREFER_COMPACT = TYPE + ", application/json;q=0.5";

    @BeforeEach
    void empty() {
        Http.post("/api/v1/queues/" + Q + ":resume", "");
        NativeApi.purge(Q);
    }

    private record Raw(int status, String contentType, byte[] body) {
        LeasedBody compact() {
            assertEquals(200, status, text());
            assertEquals(TYPE, contentType);
            return LeasedBody.read(body);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonObject json() {
            assertTrue(contentType.startsWith("application/json"), contentType + ": " + text());
            return new Http.Resp(status, text(), null).json();
        }

        JsonObject error(int expectedStatus, String reason) {
            assertEquals(expectedStatus, status, text());
            JsonObject error = json().getJsonObject("error");
            assertEquals(reason, error.getString("reason"), text());
            return error;
        }
    }

    /** A lease call with this Accept ({@code null}: none), its answer as bytes. */
    private static Raw lease(JsonObjectBuilder body, String accept) {
        return lease(Q, body, accept);
    }

    private static Raw lease(String queue, JsonObjectBuilder body, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(Http.uri("/api/v1/queues/" + queue + "/tasks:lease"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.build().toString()));
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<byte[]> r = Http.exchange(b, HttpResponse.BodyHandlers.ofByteArray());
        return new Raw(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private static JsonObjectBuilder leaseBody(int max) {
        return Json.createObjectBuilder().add("maxTasks", max).add("leaseSeconds", 60);
    }

    private static JsonObjectBuilder deleting(int max, List<String> names) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        names.forEach(a::add);
        return leaseBody(max).add("deleteNames", a);
    }

    private static String add(JsonObjectBuilder task) {
        String name = NativeApi.unique("c");
        Http.Resp r = NativeApi.add(Q, task.add("name", name));
        assertEquals(201, r.status(), r.body());
        return name;
    }

    private static JsonObjectBuilder payload(byte[] bytes) {
        return Json.createObjectBuilder().add("payload", Base64.getEncoder().encodeToString(bytes));
    }

    private static Map<String, LeasedBody.Task> byName(LeasedBody body) {
        Map<String, LeasedBody.Task> m = new HashMap<>();
        body.tasks().forEach(t -> m.put(t.name(), t));
        return m;
    }

    @Test
    void payloadsAndTagsComeBackByteForByte() {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3, (byte) 0x28, (byte) 0x80, '\n', '"'};
        byte[] big = new byte[1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        byte[] binaryTag = {(byte) 0xff, 0, (byte) 0xc3};
        String notUtf8Name = add(payload(notUtf8).add("retryLimit", 4));
        String emptyName = add(payload(new byte[0]));
        String emptyTagName = add(payload(big).add("tag", ""));
        String textTagName = add(payload(new byte[] {1}).add("tag", "eu-é"));
        String binaryTagName =
                add(payload(new byte[] {2}).add("tagBase64", Base64.getEncoder().encodeToString(binaryTag)));

        LeasedBody body = lease(leaseBody(10), PREFER_COMPACT).compact();
        assertEquals(Q, body.queue());
        assertNull(body.deleted(), "no deleteNames, no deleted section");
        Map<String, LeasedBody.Task> got = byName(body);
        assertEquals(5, got.size());
        assertArrayEquals(notUtf8, got.get(notUtf8Name).payload());
        assertEquals(Integer.valueOf(4), got.get(notUtf8Name).retryLimit());
        assertArrayEquals(new byte[0], got.get(emptyName).payload(), "an empty payload is present, of 0 bytes");
        assertArrayEquals(big, got.get(emptyTagName).payload());
        assertEquals(big.length, got.get(emptyTagName).payloadSize());
        assertNull(got.get(notUtf8Name).tag(), "no tag: absent");
        assertNull(got.get(emptyTagName).tag(), "an empty tag is no tag: absent, as in JSON");
        assertArrayEquals(
                "eu-é".getBytes(StandardCharsets.UTF_8), got.get(textTagName).tag());
        assertArrayEquals(binaryTag, got.get(binaryTagName).tag());

        // Every other field is what the JSON view of the same task says.
        for (LeasedBody.Task t : body.tasks()) {
            JsonObject json =
                    Http.get("/api/v1/queues/" + Q + "/tasks/" + t.name()).json();
            assertEquals(json.getJsonNumber("etaUsec").longValue(), t.etaUsec());
            assertEquals(json.getString("leaseToken"), Long.toString(t.leaseToken()));
            assertEquals(json.getJsonNumber("createdUsec").longValue(), t.createdUsec());
            assertEquals(1, t.retryCount());
            assertTrue(t.leased());
            assertTrue(json.getBoolean("leased"));
        }
    }

    @Test
    void theLeaseTokenExtendsGivesBackAndTheNameDeletes() {
        String name = add(payload(new byte[] {9}));
        LeasedBody.Task t = lease(leaseBody(1), TYPE).compact().tasks().get(0);
        assertEquals(name, t.name());
        Http.Resp extended = NativeApi.modify(Q, name, Long.toString(t.leaseToken()), 120);
        assertEquals(200, extended.status(), extended.body());
        Http.Resp stale = NativeApi.modify(Q, name, Long.toString(t.leaseToken()), 0);
        assertEquals("TASK_LEASE_EXPIRED", stale.reason(), "the old token no longer holds the lease");
        assertEquals(
                200,
                NativeApi.modify(Q, name, extended.json().getString("leaseToken"), 0)
                        .status());

        LeasedBody.Task again = lease(leaseBody(1), TYPE).compact().tasks().get(0);
        assertEquals(2, again.retryCount(), "given back, leased again");
        assertEquals(204, Http.delete("/api/v1/queues/" + Q + "/tasks/" + name).status());
        assertEquals(0, NativeApi.taskCount(Q));
    }

    @Test
    void deleteNamesResultsComeInTheCompactAnswerOnBothPaths() {
        List<String> batch = new ArrayList<>(List.of(add(payload(new byte[] {1})), add(payload(new byte[] {2}))));
        assertEquals(2, lease(leaseBody(2), PREFER_COMPACT).compact().tasks().size());
        String next = add(payload(new byte[] {3}));
        String unknown = NativeApi.unique("never");

        // At once: the previous batch and a name that never existed deleted, the next task leased.
        List<String> names = List.of(batch.get(0), unknown, batch.get(1));
        LeasedBody now = lease(deleting(5, names), PREFER_COMPACT).compact();
        assertEquals(
                List.of(
                        new LeasedBody.Deleted(batch.get(0), "OK"),
                        new LeasedBody.Deleted(unknown, "UNKNOWN_TASK"),
                        new LeasedBody.Deleted(batch.get(1), "OK")),
                now.deleted());
        assertEquals(
                List.of(next), now.tasks().stream().map(LeasedBody.Task::name).toList());

        // A call that may wait (it waits out its second: nothing else is due) answers the same way.
        LeasedBody waited = lease(deleting(5, List.of(next)).add("waitSeconds", 1), PREFER_COMPACT)
                .compact();
        assertEquals(List.of(new LeasedBody.Deleted(next, "OK")), waited.deleted());
        assertTrue(waited.tasks().isEmpty());

        assertEquals(List.of(), lease(deleting(1, List.of()), TYPE).compact().deleted(), "[] gives an empty section");
        assertEquals(0, NativeApi.taskCount(Q));
    }

    @Test
    void aWaitingLeaseWokenByAnAddAnswersCompact() throws Exception {
        CompletableFuture<Raw> waiting =
                CompletableFuture.supplyAsync(() -> lease(leaseBody(10).add("waitSeconds", 20), PREFER_COMPACT));
        Metrics.await("pullqueue_lease_waiting", "", v -> v >= 1, 10);
        assertFalse(waiting.isDone(), "the call waits for a task");
        byte[] bytes = {0, (byte) 0x80, (byte) 0xff};
        String name = add(payload(bytes));
        LeasedBody body = waiting.get(30, TimeUnit.SECONDS).compact();
        assertEquals(1, body.tasks().size());
        assertEquals(name, body.tasks().get(0).name());
        assertArrayEquals(bytes, body.tasks().get(0).payload());
    }

    @Test
    void errorsStayJsonWithTheirStatus() {
        String held = add(payload(new byte[] {1}));
        assertEquals(1, lease(leaseBody(1), TYPE).compact().tasks().size());
        for (double wait : new double[] {0, 5}) {
            JsonObject bad = lease(leaseBody(0).add("waitSeconds", wait), TYPE).error(400, "INVALID_REQUEST");
            assertEquals("maxTasks", bad.getString("field"));
            lease("no-such-queue", leaseBody(1).add("waitSeconds", wait), PREFER_COMPACT)
                    .error(404, "UNKNOWN_QUEUE");
        }
        assertEquals(200, Http.post("/api/v1/queues/" + Q + ":pause", "").status());
        try {
            lease(leaseBody(1), PREFER_COMPACT).error(409, "QUEUE_PAUSED");
            // After deletes, the error still carries their results, in JSON.
            JsonObject paused = lease(deleting(1, List.of(held)).add("waitSeconds", 5), TYPE)
                    .error(409, "QUEUE_PAUSED");
            assertEquals(held, paused.getJsonArray("deleted").getJsonObject(0).getString("name"));
            assertEquals("OK", paused.getJsonArray("deleted").getJsonObject(0).getString("status"));
        } finally {
            assertEquals(200, Http.post("/api/v1/queues/" + Q + ":resume", "").status());
        }
    }

    @Test
    void aCallerThatDoesNotPreferItGetsJson() {
        String[] accepts = {
            null,
            "application/json",
            "*/*",
            TYPE + ", application/json", // equal preference: JSON, as before
            TYPE + ";q=0.4, application/json;q=0.5",
            "application/vnd.pullqueue.other, application/json;q=0.1",
        };
        for (String accept : accepts) {
            for (double wait : new double[] {0, 0.5}) {
                String name = add(payload(new byte[] {(byte) 0xff}));
                Raw r = lease(leaseBody(1).add("waitSeconds", wait), accept);
                assertEquals(200, r.status(), r.text());
                JsonObject task = r.json().getJsonArray("tasks").getJsonObject(0);
                assertEquals(name, task.getString("name"), accept);
                assertEquals("/w==", task.getString("payload"), accept);
                assertFalse(r.json().containsKey("deleted"));
            }
        }
    }
}
