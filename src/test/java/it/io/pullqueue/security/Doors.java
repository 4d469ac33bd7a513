package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePauseQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePurgeQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueServiceError;
import it.io.pullqueue.Http;
import it.io.pullqueue.security.AuthServer.Who;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/** Each operation through each door, as a caller; the answer classified as allowed, 401 or 403 in the door's shape.
 */
final class Doors {
    private Doors() {}

    /**
     * What a caller may ask. SEARCH, RUN_NOW, HISTORY and CONFIG are the operator's calls of the native API (the
     * console's task search, its Give back / Run now, its charts and its queue.yaml status).
     */
    enum Op {
        ADD,
        LEASE,
        /** A lease that also deletes a task (native {@code deleteNames}): needs both rights. */
        LEASE_AND_DELETE,
        MODIFY_LEASE,
        DELETE,
        GET,
        LIST,
        VIEW,
        PURGE,
        PAUSE,
        RESUME,
        SEARCH,
        RUN_NOW,
        HISTORY,
        CONFIG
    }

    enum Outcome {
        ALLOWED,
        UNAUTHENTICATED,
        DENIED
    }

    interface Door {
        /**
         * The outcome of {@code op} on {@code queue} as {@code who}, or {@code null} when the door has no such call.
         *
         * @param task {name, lease token, tag} of a leased task for the operations that need one
         *     ({@link #needsTask})
         */
        Outcome call(Op op, String queue, Who who, String[] task);
    }

    static String tag() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------------------------------ native

    static final Door NATIVE = (op, queue, who, task) -> {
        String q = "/api/v1/queues/" + queue;
        Http.Resp r;
        switch (op) {
            case ADD -> r = AuthServer.post(q + "/tasks", who, "{\"payload\":\"aGk=\"}");
            case LEASE -> r = AuthServer.post(q + "/tasks:lease", who, "{\"maxTasks\":1,\"leaseSeconds\":1}");
            case LEASE_AND_DELETE ->
                r = AuthServer.post(
                        q + "/tasks:lease",
                        who,
                        "{\"maxTasks\":1,\"leaseSeconds\":1,\"tag\":\"" + task[2] + "\",\"deleteNames\":[\"" + task[0]
                                + "\"]}");
            case MODIFY_LEASE ->
                r = AuthServer.post(
                        q + "/tasks/" + task[0] + ":modifyLease",
                        who,
                        "{\"leaseToken\":" + task[1] + ",\"leaseSeconds\":60}");
            case DELETE ->
                r = Http.send(AuthServer.request(q + "/tasks/" + task[0], who).DELETE());
            case GET -> r = AuthServer.get(q + "/tasks/" + task[0], who);
            case LIST -> r = AuthServer.get(q + "/tasks", who);
            case VIEW -> r = AuthServer.get(q, who);
            case SEARCH -> r = AuthServer.get(q + "/tasks?state=leased&tag=" + task[2] + "&order=-eta", who);
            case RUN_NOW -> r = AuthServer.post(q + "/tasks:runNow", who, "{\"names\":[\"" + task[0] + "\"]}");
            case HISTORY -> r = AuthServer.get(q + "/history?seconds=60", who);
            case CONFIG -> r = AuthServer.get("/api/v1/config", who);
            case PURGE -> r = AuthServer.post(q + ":purge", who, "{}");
            case PAUSE -> r = AuthServer.post(q + ":pause", who, "{}");
            case RESUME -> r = AuthServer.post(q + ":resume", who, "{}");
            default -> throw new IllegalArgumentException(op.name());
        }
        if (r.status() == 401) {
            assertChallenge(r);
            assertEquals("UNAUTHENTICATED", r.reason(), r.body());
            return Outcome.UNAUTHENTICATED;
        }
        if (r.status() == 403) {
            assertEquals("PERMISSION_DENIED", r.reason(), r.body());
            return Outcome.DENIED;
        }
        assertTrue(r.status() / 100 == 2, () -> op + " " + queue + " as " + who + ": " + r.status() + " " + r.body());
        return Outcome.ALLOWED;
    };

    // ---------------------------------------------------------------------------------------- v1beta2

    static final Door V1BETA2 = (op, queue, who, task) -> {
        String q = "/taskqueue/v1beta2/projects/s~pullqueue/taskqueues/" + queue;
        Http.Resp r;
        switch (op) {
            case ADD ->
                r = AuthServer.post(q + "/tasks", who, "{\"queueName\":\"" + queue + "\",\"payloadBase64\":\"aGk=\"}");
            case LEASE ->
                r = Http.send(AuthServer.request(q + "/tasks/lease?numTasks=1&leaseSecs=1", who)
                        .POST(HttpRequest.BodyPublishers.noBody()));
            case MODIFY_LEASE ->
                r = AuthServer.post(
                        q + "/tasks/" + task[0] + "?newLeaseSeconds=60",
                        who,
                        "{\"queueName\":\"" + queue + "\",\"leaseTimestamp\":\"" + task[1] + "\"}");
            case DELETE ->
                r = Http.send(AuthServer.request(q + "/tasks/" + task[0], who).DELETE());
            case GET -> r = AuthServer.get(q + "/tasks/" + task[0], who);
            case LIST -> r = AuthServer.get(q + "/tasks", who);
            case VIEW -> r = AuthServer.get(q + "?getStats=true", who);
            default -> {
                return null;
            }
        }
        if (r.status() == 401) {
            assertChallenge(r);
            assertEquals("required", googleReason(r), r.body());
            return Outcome.UNAUTHENTICATED;
        }
        if (r.status() == 403) {
            assertEquals("forbidden", googleReason(r), r.body());
            return Outcome.DENIED;
        }
        assertTrue(r.status() / 100 == 2, () -> op + " " + queue + " as " + who + ": " + r.status() + " " + r.body());
        return Outcome.ALLOWED;
    };

    private static String googleReason(Http.Resp r) {
        return r.json()
                .getJsonObject("error")
                .getJsonArray("errors")
                .getJsonObject(0)
                .getString("reason");
    }

    // ------------------------------------------------------------------------- App Engine API protocol

    /** The Java SDK's Remote API: the key in App Engine's login cookie. */
    static final Door REMOTE_API = (op, queue, who, task) -> envelope("/remote_api", op, queue, who, task);
    /** The Python and Go runtimes: the key as the envelope's API ticket. */
    static final Door RPC_HTTP = (op, queue, who, task) -> envelope("/rpc_http", op, queue, who, task);

    private static Outcome envelope(String path, Op op, String queue, Who who, String[] task) {
        if (op == Op.GET || op.compareTo(Op.SEARCH) >= 0) {
            return null; // App Engine has no single get, nor the native API's operator calls
        }
        ByteString q = ByteString.copyFromUtf8(queue);
        String method;
        MessageLite request;
        switch (op) {
            case ADD -> {
                method = "BulkAdd";
                request = TaskQueueBulkAddRequest.newBuilder()
                        .addAddRequest(TaskQueueAddRequest.newBuilder()
                                .setQueueName(q)
                                .setTaskName(ByteString.EMPTY)
                                .setEtaUsec(System.currentTimeMillis() * 1000)
                                .setMode(TaskQueueMode.Mode.PULL)
                                .setBody(ByteString.copyFromUtf8("hi")))
                        .build();
            }
            case LEASE -> {
                method = "QueryAndOwnTasks";
                request = TaskQueueQueryAndOwnTasksRequest.newBuilder()
                        .setQueueName(q)
                        .setLeaseSeconds(1)
                        .setMaxTasks(1)
                        .build();
            }
            case MODIFY_LEASE -> {
                method = "ModifyTaskLease";
                request = TaskQueueModifyTaskLeaseRequest.newBuilder()
                        .setQueueName(q)
                        .setTaskName(ByteString.copyFromUtf8(task[0]))
                        .setEtaUsec(Long.parseLong(task[1]))
                        .setLeaseSeconds(60)
                        .build();
            }
            case DELETE -> {
                method = "Delete";
                request = TaskQueueDeleteRequest.newBuilder()
                        .setQueueName(q)
                        .addTaskName(ByteString.copyFromUtf8(task[0]))
                        .build();
            }
            case LIST -> {
                method = "QueryTasks";
                request = TaskQueueQueryTasksRequest.newBuilder()
                        .setQueueName(q)
                        .setMaxRows(10)
                        .build();
            }
            case VIEW -> {
                method = "FetchQueueStats";
                request = TaskQueueFetchQueueStatsRequest.newBuilder()
                        .addQueueName(q)
                        .build();
            }
            case PURGE -> {
                method = "PurgeQueue";
                request =
                        TaskQueuePurgeQueueRequest.newBuilder().setQueueName(q).build();
            }
            case PAUSE, RESUME -> {
                method = "PauseQueue";
                request = TaskQueuePauseQueueRequest.newBuilder()
                        .setAppId(ByteString.copyFromUtf8("pullqueue"))
                        .setQueueName(q)
                        .setPause(op == Op.PAUSE)
                        .build();
            }
            default -> {
                return null;
            }
        }
        HttpResponse<byte[]> r = send(path, method, request, who);
        if (r.statusCode() == 401) {
            assertEquals(
                    "Bearer realm=\"pullqueue\"",
                    r.headers().firstValue("WWW-Authenticate").orElse(null));
            return Outcome.UNAUTHENTICATED;
        }
        assertEquals(200, r.statusCode(), "the protocol answers 200 once the caller is known");
        RemoteApiPb.Response response = parse(r.body());
        if (response.hasApplicationError()) {
            assertEquals(
                    TaskQueueServiceError.ErrorCode.PERMISSION_DENIED_VALUE,
                    response.getApplicationError().getCode(),
                    () -> op + " " + queue + " as " + who + ": " + response.getApplicationError());
            assertTrue(response.hasJavaException(), "the Java SDK raises SecurityException from it");
            return Outcome.DENIED;
        }
        assertTrue(!response.hasRpcError(), () -> "rpc error " + response.getRpcError());
        if (op == Op.ADD) {
            assertEquals(
                    TaskQueueServiceError.ErrorCode.OK,
                    bulkAdd(response.getResponse()).getTaskResult(0).getResult());
        }
        return Outcome.ALLOWED;
    }

    /** POSTs one envelope the way the door's clients do: cookie on /remote_api, ticket on /rpc_http. */
    static HttpResponse<byte[]> send(String path, String method, MessageLite request, Who who) {
        RemoteApiPb.Request.Builder envelope = RemoteApiPb.Request.newBuilder()
                .setServiceName("taskqueue")
                .setMethod(method)
                .setRequest(request.toByteString());
        HttpRequest.Builder b =
                HttpRequest.newBuilder(AuthServer.uri(path)).header("Content-Type", "application/octet-stream");
        if (path.equals("/rpc_http")) {
            envelope.setRequestId(who.key == null ? "" : who.key);
        } else {
            envelope.setRequestId("1");
            if (who.key != null) {
                b.header("Cookie", "SACSID=" + who.key);
            }
        }
        try {
            return Http.client()
                    .send(
                            b.POST(HttpRequest.BodyPublishers.ofByteArray(
                                            envelope.build().toByteArray()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static RemoteApiPb.Response parse(byte[] body) {
        try {
            return RemoteApiPb.Response.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not a remote_api.Response", e);
        }
    }

    private static TaskQueueBulkAddResponse bulkAdd(ByteString bytes) {
        try {
            return TaskQueueBulkAddResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static boolean needsTask(Op op) {
        return op == Op.MODIFY_LEASE
                || op == Op.LEASE_AND_DELETE
                || op == Op.DELETE
                || op == Op.GET
                || op == Op.SEARCH
                || op == Op.RUN_NOW;
    }

    private static void assertChallenge(Http.Resp r) {
        assertEquals(
                "Bearer realm=\"pullqueue\"",
                r.headers().firstValue("WWW-Authenticate").orElse(null));
    }
}
