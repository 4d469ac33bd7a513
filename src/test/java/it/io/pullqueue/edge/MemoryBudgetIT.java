package it.io.pullqueue.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import it.io.pullqueue.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Sixteen concurrent request bodies of the largest size each door accepts never exhaust the heap: every call is
 * answered, with its door's own answer or the documented 503 (the memory budget is full; on the App Engine door
 * HTTP 200 with TRANSIENT_ERROR), never another 5xx or an OutOfMemoryError; pings are answered meanwhile; nothing is
 * stored (each body is one task over the 1 MiB task limit, refused after it is fully parsed: the costliest path).
 *
 * <p>The bodies are generated while they are sent ({@link RawHttp}): the test never holds one, so sixteen of them
 * cost it nothing. Every read is bounded, so a server that stops answering fails the test instead of hanging it.
 */
@MicroShedTest
class MemoryBudgetIT {
    private static final int CONCURRENT = Integer.getInteger("pullqueue.memory.concurrent", 16);
    private static final long MAX_BODY = 32L * 1024 * 1024;
    private static final long V1BETA2_MAX_BODY = 2L * 1024 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
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

    /** A JSON body of at most {@code size} bytes, {@code {"<field>":"AAAA..."}}, written while it is sent. */
    private static long storm(String path, String field, long size, Predicate<RawHttp.Answer> served) throws Exception {
        byte[] head = ("{\"" + field + "\":\"").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        long payload = (size - head.length - tail.length) / 4 * 4;
        return storm(
                path,
                "application/json",
                head.length + payload + tail.length,
                out -> {
                    out.write(head);
                    RawHttp.repeat(out, (byte) 'A', payload);
                    out.write(tail);
                },
                served);
    }

    /**
     * Sends {@code CONCURRENT} bodies at once while pinging; returns how many were served (answered by the door
     * itself rather than refused by the budget).
     */
    private static long storm(
            String path, String type, long length, RawHttp.Body body, Predicate<RawHttp.Answer> served)
            throws Exception {
        long before = taskCount();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<RawHttp.Answer>> calls = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            calls.add(pool.submit(() -> {
                mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    return RawHttp.post(path, type, length, body, READ_TIMEOUT);
                } finally {
                    inFlight.decrementAndGet();
                }
            }));
        }
        int pings = 0;
        long slowestPing = 0;
        while (!calls.stream().allMatch(Future::isDone)) {
            long p0 = System.nanoTime();
            assertEquals(200, Http.get("/api/v1/ping").status(), "pings are answered meanwhile");
            slowestPing = Math.max(slowestPing, System.nanoTime() - p0);
            pings++;
        }
        long n = 0;
        for (Future<RawHttp.Answer> f : calls) {
            RawHttp.Answer a = f.get(0, TimeUnit.SECONDS);
            assertTrue(a.status() < 500 || a.status() == 503, () -> "no 5xx but 503: " + a.status() + " " + a.text());
            n += served.test(a) ? 1 : 0;
        }
        assertEquals(before, taskCount(), "nothing was stored");
        assertEquals(200, Http.get("/health/ready").status(), "the server is still ready");
        System.out.printf(
                "memory budget %s: %d bodies of %d bytes sent at once (%d in flight at most): %d served, "
                        + "%d refused with 503, in %.1f s; %d pings answered meanwhile, the slowest in %d ms%n",
                path,
                CONCURRENT,
                length,
                mostAtOnce.get(),
                n,
                CONCURRENT - n,
                (System.nanoTime() - t0) / 1e9,
                pings,
                slowestPing / 1_000_000);
        return n;
    }

    private static long taskCount() {
        return Http.get("/api/v1/queues/" + Q)
                .json()
                .getJsonObject("stats")
                .getJsonNumber("tasks")
                .longValue();
    }

    /** A 503 from the budget: Retry-After and the door's error shape; anything else must be the door's 4xx. */
    private static boolean jsonOutcome(RawHttp.Answer r, String busy, String served) {
        String body = r.text();
        if (r.status() == 503) {
            assertTrue(r.headers().containsKey("retry-after"), "503 carries Retry-After");
            assertTrue(body.contains(busy), body);
            return false;
        }
        assertTrue(r.status() >= 400 && r.status() < 500, () -> r.status() + " " + body);
        assertTrue(body.contains(served), body);
        return true;
    }

    @Test
    void nativeDoor() throws Exception {
        long served = storm(
                "/api/v1/queues/" + Q + "/tasks",
                "payload",
                MAX_BODY,
                r -> jsonOutcome(r, "\"reason\":\"TRANSIENT_ERROR\"", "TASK_TOO_LARGE"));
        assertTrue(served >= 1, "at least one maximum-size body at a time is served");
    }

    @Test
    void v1beta2Door() throws Exception {
        long served = storm(
                "/taskqueue/v1beta2/projects/pullqueue/taskqueues/" + Q + "/tasks",
                "payloadBase64",
                V1BETA2_MAX_BODY,
                r -> jsonOutcome(r, "TRANSIENT_ERROR", "\"error\""));
        assertTrue(served >= 1, "at least one maximum-size body at a time is served");
    }

    @Test
    void rpcHttpDoor() throws Exception {
        appEngineDoor("/rpc_http");
    }

    @Test
    void remoteApiDoor() throws Exception {
        appEngineDoor("/remote_api");
    }

    /**
     * A BulkAdd of one task whose body makes the envelope {@link #MAX_BODY} bytes at most, written field by field
     * while it is sent (protobuf's length prefixes are computed beforehand).
     */
    private static void appEngineDoor(String path) throws Exception {
        byte[] add = TaskQueueAddRequest.newBuilder()
                .setQueueName(ByteString.copyFromUtf8(Q))
                .setTaskName(ByteString.copyFromUtf8("big"))
                .setEtaUsec(0)
                .build()
                .toByteArray();
        long payload = MAX_BODY - 200;
        byte[] payloadHead = field(TaskQueueAddRequest.BODY_FIELD_NUMBER, payload);
        long addLength = add.length + payloadHead.length + payload;
        byte[] bulkHead = field(TaskQueueBulkAddRequest.ADD_REQUEST_FIELD_NUMBER, addLength);
        long bulkLength = bulkHead.length + addLength;
        ByteArrayOutputStream envelope = new ByteArrayOutputStream();
        envelope.write(RemoteApiPb.Request.newBuilder()
                .setServiceName("taskqueue")
                .setMethod("BulkAdd")
                .buildPartial()
                .toByteArray());
        envelope.write(field(RemoteApiPb.Request.REQUEST_FIELD_NUMBER, bulkLength));
        byte[] envelopeHead = envelope.toByteArray();
        long length = envelopeHead.length + bulkLength;
        assertTrue(length <= MAX_BODY && length > MAX_BODY - 400, "a maximum-size body");
        long served = storm(
                path,
                "application/octet-stream",
                length,
                out -> {
                    out.write(envelopeHead);
                    out.write(bulkHead);
                    out.write(add);
                    out.write(payloadHead);
                    RawHttp.repeat(out, (byte) 0, payload);
                },
                r -> {
                    assertEquals(200, r.status(), "the protocol always answers 200");
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
        assertTrue(served >= 1, "at least one maximum-size body at a time is served");
    }

    /** The tag and length of a length-delimited field whose {@code length} bytes follow. */
    private static byte[] field(int number, long length) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance((OutputStream) b);
        c.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        c.writeUInt64NoTag(length);
        c.flush();
        return b.toByteArray();
    }
}
