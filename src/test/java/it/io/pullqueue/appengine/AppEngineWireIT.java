package it.io.pullqueue.appengine;

import static it.io.pullqueue.appengine.RpcHttp.appError;
import static it.io.pullqueue.appengine.RpcHttp.call;
import static it.io.pullqueue.appengine.RpcHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.RemoteApiPb.RpcError.ErrorCode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueServiceError;
import it.io.pullqueue.Http;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * The protocol by hand, for what the SDKs check on the client side and so never send: over-limit lease times and
 * counts, oversized payloads, bad names, a tag without group_by_tag, garbage bytes. Each gets the right error code
 * in an HTTP 200 answer, and nothing is stored.
 */
@MicroShedTest
@Timeout(60)
class AppEngineWireIT {
    static final String Q = "appengine-wire";
    private static final int INVALID_REQUEST = TaskQueueServiceError.ErrorCode.INVALID_REQUEST_VALUE;

    @BeforeEach
    void empty() {
        SdkClient.purge(Q);
    }

    static TaskQueueAddRequest.Builder task(String payload) {
        return TaskQueueAddRequest.newBuilder()
                .setQueueName(ByteString.copyFromUtf8(Q))
                .setTaskName(ByteString.EMPTY)
                .setEtaUsec(System.currentTimeMillis() * 1000)
                .setMode(TaskQueueMode.Mode.PULL)
                .setBody(ByteString.copyFromUtf8(payload));
    }

    static List<TaskQueueServiceError.ErrorCode> bulkAdd(TaskQueueAddRequest.Builder... tasks) {
        TaskQueueBulkAddRequest.Builder b = TaskQueueBulkAddRequest.newBuilder();
        Arrays.stream(tasks).forEach(b::addAddRequest);
        return parseBulk(ok(call("BulkAdd", b.build()))).getTaskResultList().stream()
                .map(TaskQueueBulkAddResponse.TaskResult::getResult)
                .toList();
    }

    private static TaskQueueBulkAddResponse parseBulk(ByteString bytes) {
        try {
            return TaskQueueBulkAddResponse.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static TaskQueueQueryAndOwnTasksRequest.Builder lease(double seconds, long max) {
        return TaskQueueQueryAndOwnTasksRequest.newBuilder()
                .setQueueName(ByteString.copyFromUtf8(Q))
                .setLeaseSeconds(seconds)
                .setMaxTasks(max);
    }

    // ------------------------------------------------------------------------------------ envelope

    @Test
    void handshake() {
        Http.Resp r = Http.get(RpcHttp.REMOTE_API);
        assertEquals(200, r.status());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals("{rtok: null, app_id: pullqueue}", r.body().trim());
        assertEquals(
                "{rtok: 123abc, app_id: pullqueue}",
                Http.get(RpcHttp.REMOTE_API + "?rtok=123abc").body().trim());
        assertEquals(
                "{rtok: null, app_id: pullqueue}",
                Http.get(RpcHttp.REMOTE_API + "?rtok=%7Bx%7D").body().trim(),
                "an rtok the client could not read back is not echoed");
    }

    @Test
    void garbageAndEmptyBodiesAreParseErrors() {
        RpcHttp.rpcError(
                RpcHttp.post(RpcHttp.RPC_HTTP, new byte[] {(byte) 0xff, 0x00, 0x13, 0x37}), ErrorCode.PARSE_ERROR);
        RpcHttp.rpcError(RpcHttp.post(RpcHttp.REMOTE_API, new byte[0]), ErrorCode.PARSE_ERROR);
        RpcHttp.rpcError(
                RpcHttp.post(RpcHttp.RPC_HTTP, "{\"json\": true}".getBytes(StandardCharsets.UTF_8)),
                ErrorCode.PARSE_ERROR);
        String detail = RpcHttp.rpcError(
                RpcHttp.post(
                        RpcHttp.RPC_HTTP,
                        RpcHttp.envelope("taskqueue", "BulkAdd", ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01}))),
                ErrorCode.PARSE_ERROR);
        assertTrue(detail.contains("BulkAdd"), detail);
        RpcHttp.rpcError(
                RpcHttp.post(RpcHttp.RPC_HTTP, RpcHttp.envelope("taskqueue", "ModifyTaskLease", ByteString.EMPTY)),
                ErrorCode.PARSE_ERROR);
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void unknownServicesAndMethodsAreCallNotFound() {
        RpcHttp.rpcError(
                RpcHttp.post(RpcHttp.RPC_HTTP, RpcHttp.envelope("datastore_v3", "Get", ByteString.EMPTY)),
                ErrorCode.CALL_NOT_FOUND);
        String detail = RpcHttp.rpcError(
                RpcHttp.post(RpcHttp.REMOTE_API, RpcHttp.envelope("taskqueue", "UpdateQueue", ByteString.EMPTY)),
                ErrorCode.CALL_NOT_FOUND);
        assertTrue(detail.contains("BulkAdd"), "the detail lists what is offered: " + detail);
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        URI u = Http.uri(RpcHttp.RPC_HTTP);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getHost() + "\r\n"
                            + "Content-Type: application/octet-stream\r\nContent-Length: 40000000\r\n"
                            + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "the answer ended early: " + head);
                head.append((char) b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
            Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            assertTrue(length.find(), head.toString());
            RemoteApiPb.Response r = RpcHttp.parse(in.readNBytes(Integer.parseInt(length.group(1))));
            String detail = RpcHttp.rpcError(r, ErrorCode.REQUEST_TOO_LARGE);
            assertTrue(detail.contains("pullqueue.request.max.bytes"), detail);
        }
    }

    // ----------------------------------------------------------------------------------------- add

    @Test
    void oversizedPayloadSkipsTheWholeBatch() {
        byte[] big = new byte[1024 * 1024 + 1];
        List<TaskQueueServiceError.ErrorCode> codes =
                bulkAdd(task("small"), task("").setBody(ByteString.copyFrom(big)));
        assertEquals(
                List.of(TaskQueueServiceError.ErrorCode.SKIPPED, TaskQueueServiceError.ErrorCode.TASK_TOO_LARGE),
                codes);
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void aTaskIsMeasuredAsItsSerializedAddRequest() {
        TaskQueueAddRequest.Builder exact = task("").setTaskName(ByteString.copyFromUtf8(SdkClient.unique("exact")))
                .setTag(ByteString.copyFromUtf8("tag"));
        int framing =
                exact.setBody(ByteString.copyFrom(new byte[1 << 19])).build().getSerializedSize() - (1 << 19);
        exact.setBody(ByteString.copyFrom(new byte[1024 * 1024 - framing]));
        assertEquals(1024 * 1024, exact.build().getSerializedSize());
        assertEquals(List.of(TaskQueueServiceError.ErrorCode.OK), bulkAdd(exact));
        assertEquals(
                List.of(TaskQueueServiceError.ErrorCode.TASK_TOO_LARGE),
                bulkAdd(task("").setBody(ByteString.copyFrom(new byte[1024 * 1024]))),
                "a payload of 1 MiB does not fit: App Engine counted the whole add request");
        assertEquals(1, SdkClient.count(Q));
    }

    @Test
    void bulkAddValidatesEachTaskBeforeTheModeAsTheStubDoes() {
        TaskQueueAddRequest.Builder other = task("x").setQueueName(ByteString.copyFromUtf8("no-such-queue"));
        assertEquals(
                List.of(TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE, TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE),
                bulkAdd(other, other.clone()),
                "an unknown queue is each task's result, not an error of the call");
        assertEquals(
                List.of(TaskQueueServiceError.ErrorCode.SKIPPED, TaskQueueServiceError.ErrorCode.INVALID_ETA),
                bulkAdd(task("push").clearMode(), task("late").setEtaUsec(-1)),
                "validation comes before the mode check");
        assertEquals(
                List.of(
                        TaskQueueServiceError.ErrorCode.INVALID_REQUEST,
                        TaskQueueServiceError.ErrorCode.INVALID_ETA,
                        TaskQueueServiceError.ErrorCode.SKIPPED),
                bulkAdd(
                        task("tx").setTransaction(ByteString.copyFromUtf8("tx")),
                        task("late").setEtaUsec(-1),
                        task("fine")),
                "what the door refuses stands beside each other task's own validation");
        appError(
                call(
                        "BulkAdd",
                        TaskQueueBulkAddRequest.newBuilder()
                                .addAddRequest(task("push").clearMode())
                                .build()),
                TaskQueueServiceError.ErrorCode.INVALID_QUEUE_MODE_VALUE);
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void badNamesEtasAndTagsAreReportedPerTask() {
        assertEquals(
                List.of(
                        TaskQueueServiceError.ErrorCode.INVALID_TASK_NAME,
                        TaskQueueServiceError.ErrorCode.INVALID_ETA,
                        TaskQueueServiceError.ErrorCode.INVALID_ETA,
                        TaskQueueServiceError.ErrorCode.INVALID_TAG,
                        TaskQueueServiceError.ErrorCode.SKIPPED),
                bulkAdd(
                        task("a").setTaskName(ByteString.copyFromUtf8("no spaces!")),
                        task("b").setEtaUsec(-1),
                        task("c").setEtaUsec((System.currentTimeMillis() + 31L * 24 * 3600 * 1000) * 1000),
                        task("d").setTag(ByteString.copyFromUtf8("t".repeat(501))),
                        task("e")));
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void wholeCallErrorsOfAdd() {
        appError(
                call(
                        "BulkAdd",
                        TaskQueueBulkAddRequest.newBuilder()
                                .addAllAddRequest(IntStream.range(0, 101)
                                        .mapToObj(i -> task("x").build())
                                        .toList())
                                .build()),
                TaskQueueServiceError.ErrorCode.TOO_MANY_TASKS_VALUE);
        appError(
                call(
                        "Add",
                        task("x")
                                .setQueueName(ByteString.copyFromUtf8("bad_queue"))
                                .build()),
                TaskQueueServiceError.ErrorCode.INVALID_QUEUE_NAME_VALUE);
        appError(
                call("Add", task("x").setQueueName(ByteString.EMPTY).build()),
                TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE_VALUE);
        appError(call("Add", task("x").clearMode().build()), TaskQueueServiceError.ErrorCode.INVALID_QUEUE_MODE_VALUE);
        appError(
                call(
                        "Add",
                        task("x")
                                .setAppId(ByteString.copyFromUtf8("s~other-app"))
                                .build()),
                TaskQueueServiceError.ErrorCode.PERMISSION_DENIED_VALUE);
        appError(
                call(
                        "Add",
                        task("x").setTransaction(ByteString.copyFromUtf8("tx")).build()),
                INVALID_REQUEST);
        appError(call("Add", task("x").clearBody().build()), INVALID_REQUEST);
        assertEquals(
                List.of(TaskQueueServiceError.ErrorCode.SKIPPED, TaskQueueServiceError.ErrorCode.INVALID_REQUEST),
                bulkAdd(task("x"), task("y").setQueueName(ByteString.copyFromUtf8("pull-queue"))));
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void goStyleSingleAdd() throws Exception {
        TaskQueueAddResponse r =
                TaskQueueAddResponse.parseFrom(ok(call("Add", task("go").build())));
        assertTrue(r.hasChosenTaskName());
        String name = SdkClient.unique("go");
        TaskQueueAddResponse named = TaskQueueAddResponse.parseFrom(ok(call(
                "Add", task("go").setTaskName(ByteString.copyFromUtf8(name)).build())));
        assertFalse(named.hasChosenTaskName(), "a chosen name only for unnamed tasks");
        String detail = appError(
                call(
                        "Add",
                        task("again").setTaskName(ByteString.copyFromUtf8(name)).build()),
                TaskQueueServiceError.ErrorCode.TASK_ALREADY_EXISTS_VALUE);
        assertTrue(detail.contains(name), detail);
        assertEquals(2, SdkClient.count(Q));
    }

    // --------------------------------------------------------------------------------------- lease

    @Test
    void overLimitLeasesAreInvalidRequests() {
        bulkAdd(task("waiting"));
        appError(call("QueryAndOwnTasks", lease(604_801, 1).build()), INVALID_REQUEST);
        appError(call("QueryAndOwnTasks", lease(-1, 1).build()), INVALID_REQUEST);
        appError(call("QueryAndOwnTasks", lease(Double.NaN, 1).build()), INVALID_REQUEST);
        String tooMany = appError(call("QueryAndOwnTasks", lease(60, 1001).build()), INVALID_REQUEST);
        assertTrue(tooMany.startsWith("max_tasks must be between 1 and 1000"), "in the protocol's words: " + tooMany);
        appError(call("QueryAndOwnTasks", lease(60, 0).build()), INVALID_REQUEST);
        String detail = appError(
                call(
                        "QueryAndOwnTasks",
                        lease(60, 1).setTag(ByteString.copyFromUtf8("red")).build()),
                INVALID_REQUEST);
        assertTrue(detail.contains("group_by_tag"), detail);
        assertEquals(0, SdkClient.stats(Q).getJsonNumber("inFlight").longValue(), "nothing was leased");
    }

    @Test
    void leaseAtTheLimitsAndGoStyleEmptyTag() throws Exception {
        bulkAdd(task("a"), task("b").setTag(ByteString.copyFromUtf8("red")));
        TaskQueueQueryAndOwnTasksResponse r = TaskQueueQueryAndOwnTasksResponse.parseFrom(ok(call(
                "QueryAndOwnTasks",
                lease(604_800, 1000)
                        .setGroupByTag(true)
                        .setTag(ByteString.EMPTY)
                        .build())));
        assertEquals(1, r.getTaskCount(), "an empty tag means the oldest task's tag (untagged here)");
        assertEquals("a", r.getTask(0).getBody().toStringUtf8());
        assertFalse(r.getTask(0).hasTag());
        assertEquals(1, r.getTask(0).getRetryCount());
    }

    @Test
    void modifyAndDeleteOutsideTheLimits() throws Exception {
        ByteString name = ByteString.copyFromUtf8(SdkClient.unique("wire"));
        bulkAdd(task("a").setTaskName(name));
        var leased = TaskQueueQueryAndOwnTasksResponse.parseFrom(
                        ok(call("QueryAndOwnTasks", lease(60, 1).build())))
                .getTask(0);
        TaskQueueModifyTaskLeaseRequest.Builder modify = TaskQueueModifyTaskLeaseRequest.newBuilder()
                .setQueueName(ByteString.copyFromUtf8(Q))
                .setTaskName(leased.getTaskName())
                .setEtaUsec(leased.getEtaUsec());
        appError(call("ModifyTaskLease", modify.setLeaseSeconds(604_801).build()), INVALID_REQUEST);
        appError(call("ModifyTaskLease", modify.setLeaseSeconds(-0.5).build()), INVALID_REQUEST);
        appError(
                call(
                        "ModifyTaskLease",
                        modify.setLeaseSeconds(10)
                                .setTaskName(ByteString.copyFromUtf8("a b"))
                                .build()),
                TaskQueueServiceError.ErrorCode.INVALID_TASK_NAME_VALUE);

        TaskQueueDeleteResponse d = TaskQueueDeleteResponse.parseFrom(ok(call(
                "Delete",
                TaskQueueDeleteRequest.newBuilder()
                        .setQueueName(ByteString.copyFromUtf8(Q))
                        .addTaskName(ByteString.copyFromUtf8("a b"))
                        .addTaskName(name)
                        .addTaskName(name)
                        .addTaskName(ByteString.copyFromUtf8("never"))
                        .build())));
        assertEquals(
                List.of(
                        TaskQueueServiceError.ErrorCode.INVALID_TASK_NAME,
                        TaskQueueServiceError.ErrorCode.OK,
                        TaskQueueServiceError.ErrorCode.TOMBSTONED_TASK,
                        TaskQueueServiceError.ErrorCode.UNKNOWN_TASK),
                d.getResultList());
        TaskQueueDeleteResponse unknownQueue = TaskQueueDeleteResponse.parseFrom(ok(call(
                "Delete",
                TaskQueueDeleteRequest.newBuilder()
                        .setQueueName(ByteString.copyFromUtf8("no-such-queue"))
                        .addTaskName(ByteString.copyFromUtf8("x"))
                        .addTaskName(ByteString.copyFromUtf8("y"))
                        .build())));
        assertEquals(
                List.of(TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE, TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE),
                unknownQueue.getResultList(),
                "a bad queue is reported for every name");
    }

    @Test
    void statisticsOfAnUnknownQueueAreAnError() {
        appError(
                call(
                        "FetchQueueStats",
                        TaskQueueFetchQueueStatsRequest.newBuilder()
                                .addQueueName(ByteString.copyFromUtf8(Q))
                                .addQueueName(ByteString.copyFromUtf8("no-such-queue"))
                                .build()),
                TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE_VALUE);
    }
}
