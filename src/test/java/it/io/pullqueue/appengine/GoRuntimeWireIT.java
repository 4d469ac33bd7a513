package it.io.pullqueue.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueRetryParameters;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueServiceError;
import it.io.pullqueue.Http;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * The Go runtime ({@code google.golang.org/appengine/v2}) on {@code /rpc_http}, byte for byte as its
 * {@code internal/api.go} writes requests where they differ from Python's: Go's canonical header spelling
 * ({@code X-Google-Rpc-Service-Deadline}), a deadline with a fraction (the time left of the caller's context),
 * {@code Accept-Encoding: gzip} and a trace header added by Go's HTTP client, an empty API ticket
 * ({@code request_id} set to "" outside a request, in a background worker), and one kept-alive connection for
 * every call. The calls are the ones Go's {@code taskqueue} package makes: {@code Add} (ETA always set, the tag only
 * when not empty, retry options sent for pull tasks), {@code LeaseByTag} with an empty tag, {@code ModifyLease} to
 * 0 s, {@code DeleteMulti} and {@code QueueStats}.
 */
@MicroShedTest
@Timeout(60)
class GoRuntimeWireIT {
    private static final String Q = "appengine-go";

    @BeforeEach
    void empty() {
        SdkClient.purge(Q);
    }

    /** One HTTP/1.1 connection, kept alive across calls as Go's transport does. */
    private static final class GoConnection implements AutoCloseable {
        private final URI uri = Http.uri(RpcHttp.RPC_HTTP);
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        GoConnection() throws IOException {
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        RemoteApiPb.Response call(String method, MessageLite request, String ticket, String deadline)
                throws IOException {
            byte[] body = RemoteApiPb.Request.newBuilder()
                    .setServiceName("taskqueue")
                    .setMethod(method)
                    .setRequest(request.toByteString())
                    .setRequestId(ticket)
                    .build()
                    .toByteArray();
            String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "User-Agent: Go-http-client/1.1\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Content-Type: application/octet-stream\r\n"
                    + "X-Cloud-Trace-Context: 105445aa7843bc8bf206b12000100000/1;o=1\r\n"
                    + "X-Google-Rpc-Service-Deadline: " + deadline + "\r\n"
                    + "X-Google-Rpc-Service-Endpoint: app-engine-apis\r\n"
                    + "X-Google-Rpc-Service-Method: /VMRemoteAPI.CallRemoteAPI\r\n"
                    + "Accept-Encoding: gzip\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read();
        }

        private RemoteApiPb.Response read() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "the connection closed before an answer: " + head);
                head.append((char) b);
            }
            String h = head.toString();
            assertTrue(h.startsWith("HTTP/1.1 200"), h);
            assertFalse(h.toLowerCase(Locale.ROOT).contains("connection: close"), "the connection stays open: " + h);
            Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
            assertTrue(length.find(), h);
            byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
            if (Pattern.compile("(?i)content-encoding: *gzip").matcher(h).find()) {
                body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(); // Go inflates it too
            }
            return RpcHttp.parse(body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static TaskQueueAddRequest.Builder goTask(String payload) {
        return TaskQueueAddRequest.newBuilder()
                .setQueueName(ByteString.copyFromUtf8(Q))
                .setTaskName(ByteString.EMPTY)
                .setEtaUsec(System.currentTimeMillis() * 1000)
                .setMode(TaskQueueMode.Mode.PULL)
                .setBody(ByteString.copyFromUtf8(payload));
    }

    @Test
    void aBackgroundGoWorkerAddsLeasesReleasesAndDeletesOnOneConnection() throws Exception {
        try (GoConnection go = new GoConnection()) {
            TaskQueueAddResponse first = TaskQueueAddResponse.parseFrom(
                    RpcHttp.ok(go.call("Add", goTask("plain").build(), "", "59.999871")));
            TaskQueueAddResponse second = TaskQueueAddResponse.parseFrom(RpcHttp.ok(go.call(
                    "Add",
                    goTask("red")
                            .setTag(ByteString.copyFromUtf8("red"))
                            .setRetryParameters(
                                    TaskQueueRetryParameters.newBuilder().setRetryLimit(3))
                            .build(),
                    "",
                    "0.25")));
            assertTrue(first.hasChosenTaskName() && second.hasChosenTaskName());

            TaskQueueQueryAndOwnTasksResponse leased = TaskQueueQueryAndOwnTasksResponse.parseFrom(RpcHttp.ok(go.call(
                    "QueryAndOwnTasks",
                    TaskQueueQueryAndOwnTasksRequest.newBuilder()
                            .setQueueName(ByteString.copyFromUtf8(Q))
                            .setLeaseSeconds(30)
                            .setMaxTasks(10)
                            .setGroupByTag(true)
                            .build(),
                    "",
                    "9.5")));
            assertEquals(1, leased.getTaskCount(), "LeaseByTag with \"\": the oldest task's tag (none)");
            TaskQueueQueryAndOwnTasksResponse.Task t = leased.getTask(0);
            assertEquals(first.getChosenTaskName(), t.getTaskName());
            assertEquals("plain", t.getBody().toStringUtf8());

            TaskQueueModifyTaskLeaseResponse released = TaskQueueModifyTaskLeaseResponse.parseFrom(RpcHttp.ok(go.call(
                    "ModifyTaskLease",
                    TaskQueueModifyTaskLeaseRequest.newBuilder()
                            .setQueueName(ByteString.copyFromUtf8(Q))
                            .setTaskName(t.getTaskName())
                            .setEtaUsec(t.getEtaUsec())
                            .setLeaseSeconds(0)
                            .build(),
                    "",
                    "59.9")));
            assertTrue(released.getUpdatedEtaUsec() <= System.currentTimeMillis() * 1000, "given back at once");

            TaskQueueFetchQueueStatsResponse stats = TaskQueueFetchQueueStatsResponse.parseFrom(RpcHttp.ok(go.call(
                    "FetchQueueStats",
                    TaskQueueFetchQueueStatsRequest.newBuilder()
                            .addQueueName(ByteString.copyFromUtf8(Q))
                            .setMaxNumTasks(0)
                            .build(),
                    "",
                    "10")));
            assertEquals(2, stats.getQueueStats(0).getNumTasks());
            assertEquals(1, stats.getQueueStats(0).getScannerInfo().getExecutedLastMinute());

            TaskQueueDeleteResponse deleted = TaskQueueDeleteResponse.parseFrom(RpcHttp.ok(go.call(
                    "Delete",
                    TaskQueueDeleteRequest.newBuilder()
                            .setQueueName(ByteString.copyFromUtf8(Q))
                            .addTaskName(first.getChosenTaskName())
                            .addTaskName(second.getChosenTaskName())
                            .addTaskName(ByteString.copyFromUtf8("never-added"))
                            .build(),
                    "",
                    "59.99")));
            assertEquals(
                    List.of(
                            TaskQueueServiceError.ErrorCode.OK,
                            TaskQueueServiceError.ErrorCode.OK,
                            TaskQueueServiceError.ErrorCode.UNKNOWN_TASK),
                    deleted.getResultList(),
                    "Go's DeleteMulti turns UNKNOWN_TASK into an error, so the code must be there");
        }
        assertEquals(0, SdkClient.count(Q));
    }

    @Test
    void goErrorsAreApplicationErrorsOnTheSameConnection() throws Exception {
        try (GoConnection go = new GoConnection()) {
            String name = SdkClient.unique("go");
            RpcHttp.ok(go.call(
                    "Add",
                    goTask("x").setTaskName(ByteString.copyFromUtf8(name)).build(),
                    "",
                    "1"));
            RpcHttp.appError(
                    go.call(
                            "Add",
                            goTask("x")
                                    .setTaskName(ByteString.copyFromUtf8(name))
                                    .build(),
                            "",
                            "1"),
                    TaskQueueServiceError.ErrorCode.TASK_ALREADY_EXISTS_VALUE); // Go: ErrTaskAlreadyAdded
            RpcHttp.appError(
                    go.call(
                            "QueryAndOwnTasks",
                            TaskQueueQueryAndOwnTasksRequest.newBuilder()
                                    .setQueueName(ByteString.copyFromUtf8("no-such-queue"))
                                    .setLeaseSeconds(30)
                                    .setMaxTasks(1)
                                    .build(),
                            "",
                            "1"),
                    TaskQueueServiceError.ErrorCode.UNKNOWN_QUEUE_VALUE);
            RpcHttp.ok(go.call("Add", goTask("after errors").build(), "ticket-from-a-request", "60"));
        }
        assertEquals(2, SdkClient.count(Q));
    }
}
