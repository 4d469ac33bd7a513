package it.io.pullqueue.edge;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueServiceError;
import it.io.pullqueue.Http;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * App Engine's API protocol ({@code /rpc_http}, {@code /remote_api}) under 10,000 generated requests in the build
 * (20-30 s on a 2-core machine; {@code -Dpullqueue.fuzz.cases=N} for another count): see
 * {@link Fuzzer}. Here "no 5xx" means every POST is answered HTTP 200 with a {@code remote_api.Response} that is
 * neither INTERNAL_ERROR nor TRANSIENT_ERROR nor an UNKNOWN rpc error, and "the error shape" means an application
 * or rpc error whose detail leaks nothing; another method gets 405.
 */
@MicroShedTest
class AppEngineFuzzIT extends Fuzzer {
    static final int CASES = Integer.getInteger("pullqueue.fuzz.cases", 10_000);
    private static final String Q = "fuzz-appengine";
    private static final ByteString QUEUE = ByteString.copyFromUtf8(Q);

    /** Requests that once broke a property (issue 12's findings among them); run before every fuzz run. */
    private static List<Case> regressions() {
        List<Case> c = new ArrayList<>();
        c.add(new Case(
                request("/rpc_http")
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                "raw",
                null,
                "PATCH /rpc_http"));
        return c;
    }

    @Test
    void fuzz() throws Exception {
        Http.post("/api/v1/queues/" + Q + ":purge", "");
        run("App Engine protocol", regressions(), CASES);
    }

    private ByteString name(Random r) {
        return ByteString.copyFromUtf8("a" + runId + "-" + r.nextInt(400));
    }

    private static ByteString bytes(Random r) {
        byte[] b = new byte[r.nextInt(12)];
        r.nextBytes(b);
        return ByteString.copyFrom(b);
    }

    private TaskQueueAddRequest.Builder add(Random r, boolean valid) {
        TaskQueueAddRequest.Builder a = TaskQueueAddRequest.newBuilder()
                .setQueueName(QUEUE)
                .setTaskName(r.nextInt(3) == 0 ? ByteString.EMPTY : name(r))
                .setEtaUsec(System.currentTimeMillis() * 1000)
                .setMode(TaskQueueMode.Mode.PULL)
                .setBody(ByteString.copyFrom(new byte[r.nextInt(40)]));
        if (r.nextBoolean()) {
            a.setTag(ByteString.copyFromUtf8("t" + r.nextInt(3)));
        }
        if (!valid) {
            switch (r.nextInt(8)) {
                case 0 -> a.setTaskName(bytes(r));
                case 1 -> a.setTag(bytes(r));
                case 2 -> a.setEtaUsec(r.nextLong());
                case 3 -> a.setMode(TaskQueueMode.Mode.PUSH);
                case 4 -> a.setQueueName(bytes(r));
                case 5 -> a.getRetryParametersBuilder().setRetryLimit(r.nextInt(5) - 1);
                case 6 -> a.setBody(ByteString.copyFrom(new byte[1_048_577]));
                default -> a.setAppId(bytes(r));
            }
        }
        return a;
    }

    private static double seconds(Random r, boolean valid) {
        if (valid) {
            return r.nextInt(3) * 0.5;
        }
        return List.of(Double.NaN, Double.POSITIVE_INFINITY, -1.0, 604_801.0, 1e300, -0.0, 0.25)
                .get(r.nextInt(7));
    }

    @Override
    Case generate(Random r, int i) {
        boolean valid = r.nextInt(100) < 35;
        String method;
        MessageLite inner;
        int p = r.nextInt(100);
        if (p < 25) {
            method = "Add";
            inner = add(r, valid).build();
        } else if (p < 35) {
            method = "BulkAdd";
            TaskQueueBulkAddRequest.Builder b = TaskQueueBulkAddRequest.newBuilder();
            for (int k = r.nextInt(5) + 1; k > 0; k--) {
                b.addAddRequest(add(r, valid || r.nextBoolean()));
            }
            inner = b.build();
        } else if (p < 60) {
            method = "QueryAndOwnTasks";
            TaskQueueQueryAndOwnTasksRequest.Builder b = TaskQueueQueryAndOwnTasksRequest.newBuilder()
                    .setQueueName(QUEUE)
                    .setLeaseSeconds(seconds(r, valid))
                    .setMaxTasks(
                            valid
                                    ? r.nextInt(10) + 1
                                    : List.of(0L, -1L, 1001L, Long.MAX_VALUE, 5L)
                                            .get(r.nextInt(5)));
            if (r.nextInt(4) == 0) {
                b.setGroupByTag(true);
            }
            if (r.nextInt(4) == 0) {
                b.setTag(valid ? ByteString.copyFromUtf8("t" + r.nextInt(3)) : bytes(r));
            }
            inner = b.build();
        } else if (p < 68) {
            method = "ModifyTaskLease";
            inner = TaskQueueModifyTaskLeaseRequest.newBuilder()
                    .setQueueName(QUEUE)
                    .setTaskName(valid ? name(r) : bytes(r))
                    .setEtaUsec(valid ? System.currentTimeMillis() * 1000 : r.nextLong())
                    .setLeaseSeconds(seconds(r, valid))
                    .build();
        } else if (p < 80) {
            method = "Delete";
            TaskQueueDeleteRequest.Builder b =
                    TaskQueueDeleteRequest.newBuilder().setQueueName(QUEUE);
            for (int k = r.nextInt(4) + 1; k > 0; k--) {
                b.addTaskName(valid || r.nextBoolean() ? name(r) : bytes(r));
            }
            inner = b.build();
        } else if (p < 88) {
            method = "QueryTasks";
            inner = TaskQueueQueryTasksRequest.newBuilder()
                    .setQueueName(QUEUE)
                    .setMaxRows(valid ? r.nextInt(20) + 1 : r.nextInt())
                    .build();
        } else if (p < 94) {
            method = "FetchQueueStats";
            inner = TaskQueueFetchQueueStatsRequest.newBuilder()
                    .addQueueName(valid ? QUEUE : bytes(r))
                    .setMaxNumTasks(valid ? 0 : r.nextInt())
                    .build();
        } else {
            method = "FetchQueues";
            inner = TaskQueueFetchQueuesRequest.newBuilder()
                    .setMaxRows(valid ? 10 : r.nextInt())
                    .build();
        }
        ByteString innerBytes = inner.toByteString();
        String service = "taskqueue";
        String how = valid ? "valid" : "fields";
        String path = r.nextBoolean() ? "/rpc_http" : "/remote_api";
        String httpMethod = "POST";
        byte[] envelope;
        int m = valid ? 100 : r.nextInt(100);
        if (m < 25) {
            innerBytes = ByteString.copyFrom(damage(r, innerBytes.toByteArray()));
            how = "damaged request";
        } else if (m < 35) {
            how = "call";
            switch (r.nextInt(3)) {
                case 0 ->
                    method = List.of("", "add", "PurgeQueue ", "Nope", "\u0000").get(r.nextInt(5));
                case 1 ->
                    service = List.of("", "datastore_v3", "taskqueue ", "TASKQUEUE")
                            .get(r.nextInt(4));
                default -> innerBytes = ByteString.EMPTY;
            }
        }
        envelope = RemoteApiPb.Request.newBuilder()
                .setServiceName(service)
                .setMethod(method)
                .setRequest(innerBytes)
                .setRequestId("fuzz-" + i)
                .build()
                .toByteArray();
        if (m >= 35 && m < 50) {
            envelope = damage(r, envelope);
            how = "damaged envelope";
        } else if (m >= 50 && m < 53) {
            httpMethod = List.of("PUT", "PATCH", "DELETE").get(r.nextInt(3));
            how = "HTTP method";
        }
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/octet-stream")
                .method(httpMethod, HttpRequest.BodyPublishers.ofByteArray(envelope));
        return new Case(b.build(), Base64Bytes.of(envelope), null, how + " " + method + " " + httpMethod + " " + path);
    }

    /** The envelope rides in the case's op field, base64, so the check can read what was really sent. */
    private static final class Base64Bytes {
        static String of(byte[] b) {
            return java.util.Base64.getEncoder().encodeToString(b);
        }

        static byte[] from(String s) {
            return java.util.Base64.getDecoder().decode(s);
        }
    }

    @Override
    String check(Case c, HttpResponse<byte[]> resp) {
        int status = resp.statusCode();
        if (!"POST".equals(c.request().method())) {
            String body = new String(resp.body(), StandardCharsets.UTF_8);
            String leak = Leaks.find(body);
            return status == 405 && leak == null
                    ? null
                    : "HTTP " + status + " for " + c.request().method() + ": " + body;
        }
        if (status != 200) {
            return "HTTP " + status + ": the protocol always answers 200";
        }
        RemoteApiPb.Response response;
        try {
            response = RemoteApiPb.Response.parseFrom(resp.body());
        } catch (InvalidProtocolBufferException e) {
            return "not a remote_api.Response";
        }
        if (response.hasApplicationError()) {
            int code = response.getApplicationError().getCode();
            String leak = Leaks.find(response.getApplicationError().getDetail());
            if (code == TaskQueueServiceError.ErrorCode.INTERNAL_ERROR_VALUE
                    || code == TaskQueueServiceError.ErrorCode.TRANSIENT_ERROR_VALUE
                    || leak != null) {
                return "application error " + code + ": "
                        + response.getApplicationError().getDetail();
            }
            return null;
        }
        if (response.hasRpcError()) {
            String leak = Leaks.find(response.getRpcError().getDetail());
            if (response.getRpcError().getCode() == 0 || leak != null) {
                return "rpc error " + response.getRpcError();
            }
            return null;
        }
        try {
            record(Base64Bytes.from(c.op()), response.getResponse());
        } catch (InvalidProtocolBufferException e) {
            return "a success whose request or response does not parse: " + e.getMessage();
        }
        return null;
    }

    /** What an acknowledged call changed in the fuzzed queue, read from the request really sent. */
    private void record(byte[] envelope, ByteString out) throws InvalidProtocolBufferException {
        RemoteApiPb.Request req = RemoteApiPb.Request.parseFrom(envelope);
        ByteString in = req.getRequest();
        switch (req.getMethod()) {
            case "Add" -> {
                TaskQueueAddRequest a = TaskQueueAddRequest.parseFrom(in);
                TaskQueueAddResponse r = TaskQueueAddResponse.parseFrom(out);
                added(a, r.hasChosenTaskName() ? r.getChosenTaskName() : a.getTaskName());
            }
            case "BulkAdd" -> {
                TaskQueueBulkAddRequest a = TaskQueueBulkAddRequest.parseFrom(in);
                TaskQueueBulkAddResponse r = TaskQueueBulkAddResponse.parseFrom(out);
                for (int k = 0; k < r.getTaskResultCount(); k++) {
                    TaskQueueBulkAddResponse.TaskResult t = r.getTaskResult(k);
                    if (t.getResult() == TaskQueueServiceError.ErrorCode.OK) {
                        added(
                                a.getAddRequest(k),
                                t.hasChosenTaskName()
                                        ? t.getChosenTaskName()
                                        : a.getAddRequest(k).getTaskName());
                    }
                }
            }
            case "QueryAndOwnTasks" -> {
                if (TaskQueueQueryAndOwnTasksRequest.parseFrom(in)
                        .getQueueName()
                        .equals(QUEUE)) {
                    TaskQueueQueryAndOwnTasksResponse.parseFrom(out)
                            .getTaskList()
                            .forEach(t -> leased(t.getTaskName().toStringUtf8()));
                }
            }
            case "Delete" -> {
                TaskQueueDeleteRequest d = TaskQueueDeleteRequest.parseFrom(in);
                List<TaskQueueServiceError.ErrorCode> results =
                        TaskQueueDeleteResponse.parseFrom(out).getResultList();
                if (d.getQueueName().equals(QUEUE)) {
                    for (int k = 0; k < results.size(); k++) {
                        if (results.get(k) == TaskQueueServiceError.ErrorCode.OK) {
                            deleted.add(d.getTaskName(k).toStringUtf8());
                        }
                    }
                }
            }
            default -> {
                // the others change no name and no lease count
            }
        }
    }

    private void added(TaskQueueAddRequest a, ByteString name) {
        if (a.getQueueName().equals(QUEUE)) {
            added.add(name.toStringUtf8());
            if (a.hasRetryParameters()) {
                exempt.add(name.toStringUtf8());
            }
        }
    }

    @Override
    Map<String, Integer> stored() {
        return stored(Q);
    }
}
