package it.io.pullqueue.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import it.io.pullqueue.Http;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Sixteen concurrent request bodies of the largest size each door accepts never exhaust the heap: every call is
 * answered, with its door's own answer or the documented 503 (the memory budget is full; on the App Engine door
 * HTTP 200 with TRANSIENT_ERROR), never another 5xx or an OutOfMemoryError; pings are answered meanwhile; nothing is
 * stored (each body is one task over the 1 MiB task limit, refused after it is fully parsed: the costliest path).
 */
@MicroShedTest
@org.junit.jupiter.api.Disabled("does not finish in mvn verify yet (16 concurrent 32 MiB uploads through the shared client); "
        + "run by hand against a server until fixed")
class MemoryBudgetIT {
    private static final int CONCURRENT = 16;
    private static final long MAX_BODY = 32L * 1024 * 1024;
    private static final long V1BETA2_MAX_BODY = 2L * 1024 * 1024;
    private static final String Q = "edge-queue";
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(CONCURRENT);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /** A JSON body of exactly {@code size} bytes: {@code {"<field>":"AAAA..."}}. */
    private static byte[] jsonBody(String field, long size) {
        byte[] head = ("{\"" + field + "\":\"").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[(int) size];
        Arrays.fill(b, (byte) 'A');
        System.arraycopy(head, 0, b, 0, head.length);
        int payload = (int) ((size - head.length - 2) / 4 * 4);
        b[head.length + payload] = '"';
        b[head.length + payload + 1] = '}';
        return Arrays.copyOf(b, head.length + payload + 2);
    }

    private record Outcome(int status, int served) {
    }

    /**
     * Sends {@code CONCURRENT} copies of {@code body} at once while pinging; returns how many were served (answered
     * by the door itself rather than refused by the budget).
     */
    private static int storm(HttpRequest.Builder request, Function<HttpResponse<byte[]>, Boolean> served)
            throws Exception {
        long before = taskCount();
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            // Expect: 100-continue, as curl sends it for large bodies: a refused body is never uploaded.
            calls.add(pool.submit(() -> served.apply(Http.client().send(request.copy().expectContinue(true)
                    .build(), HttpResponse.BodyHandlers.ofByteArray()))));
        }
        AtomicBoolean done = new AtomicBoolean();
        int pings = 0;
        while (!done.get()) {
            assertEquals(200, Http.get("/api/v1/ping").status(), "pings are answered meanwhile");
            pings++;
            done.set(calls.stream().allMatch(Future::isDone));
        }
        int n = 0;
        for (Future<Boolean> f : calls) {
            n += f.get() ? 1 : 0;
        }
        assertEquals(before, taskCount(), "nothing was stored");
        System.out.println("memory budget: " + n + " of " + CONCURRENT + " maximum-size bodies served at once, "
                + (CONCURRENT - n) + " refused with 503; " + pings + " pings answered meanwhile");
        return n;
    }

    private static long taskCount() {
        return Http.get("/api/v1/queues/" + Q).json().getJsonObject("stats").getJsonNumber("tasks").longValue();
    }

    /** A 503 from the budget: Retry-After and the door's error shape; anything else must be the door's 413. */
    private static boolean jsonOutcome(HttpResponse<byte[]> r, String reasonKey) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() == 503) {
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), "503 carries Retry-After");
            assertTrue(body.contains("\"" + reasonKey + "\":\"TRANSIENT_ERROR\""), body);
            return false;
        }
        assertEquals(413, r.statusCode(), body);
        assertTrue(body.contains("TASK_TOO_LARGE"), body);
        return true;
    }

    @Test
    void nativeDoor() throws Exception {
        byte[] body = jsonBody("payload", MAX_BODY);
        int served = storm(HttpRequest.newBuilder(Http.uri("/api/v1/queues/" + Q + "/tasks"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                r -> jsonOutcome(r, "reason"));
        assertTrue(served >= 1, "at least one maximum-size body at a time is served");
    }

    @Test
    void v1beta2Door() throws Exception {
        byte[] body = jsonBody("payloadBase64", V1BETA2_MAX_BODY);
        int served = storm(HttpRequest.newBuilder(Http.uri("/taskqueue/v1beta2/projects/pullqueue/taskqueues/" + Q
                + "/tasks")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), r -> jsonOutcome(r, "appEngineError"));
        assertTrue(served >= 1, "at least one maximum-size body at a time is served");
    }

    @Test
    void appEngineDoor() throws Exception {
        int overhead = 200;
        TaskQueueBulkAddRequest bulk = TaskQueueBulkAddRequest.newBuilder().addAddRequest(TaskQueueAddRequest
                .newBuilder().setQueueName(ByteString.copyFromUtf8(Q)).setTaskName(ByteString.copyFromUtf8("big"))
                .setEtaUsec(0).setBody(ByteString.copyFrom(new byte[(int) MAX_BODY - overhead]))).build();
        byte[] body = RemoteApiPb.Request.newBuilder().setServiceName("taskqueue").setMethod("BulkAdd")
                .setRequest(bulk.toByteString()).build().toByteArray();
        assertTrue(body.length <= MAX_BODY && body.length > MAX_BODY - 2 * overhead, "a maximum-size body");
        storm(HttpRequest.newBuilder(Http.uri("/rpc_http")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), r -> {
                    assertEquals(200, r.statusCode(), "the protocol always answers 200");
                    RemoteApiPb.Response resp;
                    try {
                        resp = RemoteApiPb.Response.parseFrom(r.body());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                    if (resp.hasApplicationError() && resp.getApplicationError().getCode() == 2) {
                        return false; // TRANSIENT_ERROR: the budget is full
                    }
                    assertTrue(!resp.hasRpcError(), () -> "no rpc error: " + resp.getRpcError());
                    return true;
                });
    }
}
