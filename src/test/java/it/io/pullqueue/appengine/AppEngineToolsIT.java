package it.io.pullqueue.appengine;

import static it.io.pullqueue.appengine.RpcHttp.appError;
import static it.io.pullqueue.appengine.RpcHttp.call;
import static it.io.pullqueue.appengine.RpcHttp.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePauseQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueServiceError;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.microshed.testing.jupiter.MicroShedTest;

/** The tool methods: {@code PauseQueue}, {@code FetchQueues} and {@code QueryTasks}. */
@MicroShedTest
@Timeout(60)
class AppEngineToolsIT {
    static final String Q = AppEngineWireIT.Q;
    private static final ByteString QUEUE = ByteString.copyFromUtf8(Q);
    private static final ByteString APP = ByteString.copyFromUtf8("s~pullqueue");

    @BeforeEach
    void empty() {
        SdkClient.purge(Q);
    }

    private static TaskQueuePauseQueueRequest pause(boolean pause) {
        return TaskQueuePauseQueueRequest.newBuilder()
                .setAppId(APP)
                .setQueueName(QUEUE)
                .setPause(pause)
                .build();
    }

    @Test
    void pausedQueuesRefuseLeasesUntilResumed() {
        AppEngineWireIT.bulkAdd(AppEngineWireIT.task("p"));
        ok(call("PauseQueue", pause(true)));
        try {
            appError(
                    call("QueryAndOwnTasks", AppEngineWireIT.lease(60, 1).build()),
                    TaskQueueServiceError.ErrorCode.QUEUE_PAUSED_VALUE);
            assertEquals(
                    List.of(TaskQueueServiceError.ErrorCode.OK),
                    AppEngineWireIT.bulkAdd(AppEngineWireIT.task("q")),
                    "adds still work");
        } finally {
            ok(call("PauseQueue", pause(false)));
        }
        ok(call("QueryAndOwnTasks", AppEngineWireIT.lease(60, 1).build()));
        appError(
                call(
                        "PauseQueue",
                        TaskQueuePauseQueueRequest.newBuilder()
                                .setAppId(ByteString.copyFromUtf8("x"))
                                .setQueueName(QUEUE)
                                .setPause(true)
                                .build()),
                TaskQueueServiceError.ErrorCode.PERMISSION_DENIED_VALUE);
        appError(
                call(
                        "PauseQueue",
                        TaskQueuePauseQueueRequest.newBuilder()
                                .setAppId(APP)
                                .setQueueName(ByteString.copyFromUtf8("push-queue"))
                                .setPause(true)
                                .build()),
                TaskQueueServiceError.ErrorCode.INVALID_QUEUE_MODE_VALUE);
    }

    @Test
    void fetchQueuesListsTheDeclaredQueues() throws Exception {
        TaskQueueFetchQueuesResponse all = TaskQueueFetchQueuesResponse.parseFrom(ok(call(
                "FetchQueues",
                TaskQueueFetchQueuesRequest.newBuilder().setMaxRows(1000).build())));
        List<String> names = all.getQueueList().stream()
                .map(q -> q.getQueueName().toStringUtf8())
                .toList();
        assertTrue(names.containsAll(List.of(Q, "limited", "push-queue", "acl-queue")), names.toString());
        assertEquals(names.stream().sorted().toList(), names, "in name order");
        TaskQueueFetchQueuesResponse.Queue limited = all.getQueue(names.indexOf("limited"));
        assertEquals(TaskQueueMode.Mode.PULL, limited.getMode());
        assertEquals(2, limited.getRetryParameters().getRetryLimit());
        assertFalse(limited.getPaused());
        assertEquals(0, limited.getBucketRefillPerSecond());
        assertEquals(0, limited.getBucketCapacity());
        assertFalse(limited.hasUserSpecifiedRate(), "a pull queue has no rate");
        TaskQueueFetchQueuesResponse.Queue acl = all.getQueue(names.indexOf("acl-queue"));
        assertEquals("worker@example.com", acl.getAcl().getUserEmail(0).toStringUtf8());
        assertEquals("producer@example.com", acl.getAcl().getWriterEmail(0).toStringUtf8());
        TaskQueueFetchQueuesResponse.Queue push = all.getQueue(names.indexOf("push-queue"));
        assertEquals(TaskQueueMode.Mode.PUSH, push.getMode());
        assertEquals(5, push.getBucketRefillPerSecond(), "rate: 5/s in queue.yaml");
        assertEquals("5/s", push.getUserSpecifiedRate());
        assertEquals(5, push.getBucketCapacity(), "App Engine's default bucket_size");
        assertFalse(push.hasMaxConcurrentRequests());

        assertEquals(
                2,
                TaskQueueFetchQueuesResponse.parseFrom(ok(call(
                                "FetchQueues",
                                TaskQueueFetchQueuesRequest.newBuilder()
                                        .setMaxRows(2)
                                        .build())))
                        .getQueueCount());
    }

    @Test
    void queryTasksPagesByName() throws Exception {
        String p = SdkClient.unique("q");
        for (String n : List.of(p + "-a", p + "-b", p + "-c")) {
            AppEngineWireIT.bulkAdd(AppEngineWireIT.task("body of " + n.substring(p.length() + 1))
                    .setTaskName(ByteString.copyFromUtf8(n))
                    .setTag(ByteString.copyFromUtf8("t")));
        }
        TaskQueueQueryTasksResponse first = query(
                TaskQueueQueryTasksRequest.newBuilder().setQueueName(QUEUE).setMaxRows(2));
        assertEquals(List.of(p + "-a", p + "-b"), names(first));
        TaskQueueQueryTasksResponse.Task a = first.getTask(0);
        assertEquals("body of a", a.getBody().toStringUtf8());
        assertEquals(9, a.getBodySize());
        assertEquals("t", a.getTag().toStringUtf8());
        assertTrue(a.getCreationTimeUsec() > 0);
        assertEquals(0, a.getRetryCount());

        assertEquals(
                List.of(p + "-b", p + "-c"),
                names(query(TaskQueueQueryTasksRequest.newBuilder()
                        .setQueueName(QUEUE)
                        .setStartTaskName(ByteString.copyFromUtf8(p + "-b"))
                        .setMaxRows(10))),
                "the start name is included");
        assertEquals(
                List.of(p + "-a"),
                names(query(TaskQueueQueryTasksRequest.newBuilder().setQueueName(QUEUE))),
                "max_rows defaults to 1");
        appError(
                call(
                        "QueryTasks",
                        TaskQueueQueryTasksRequest.newBuilder()
                                .setQueueName(QUEUE)
                                .setMaxRows(0)
                                .build()),
                TaskQueueServiceError.ErrorCode.INVALID_REQUEST_VALUE);
    }

    /** The stub's other two scans: by (ETA, name), and one tag's tasks by (ETA, name), each from its start. */
    @Test
    void queryTasksScansByEtaAndByTag() throws Exception {
        String p = SdkClient.unique("e");
        long base = (System.currentTimeMillis() + 3_600_000L) * 1000;
        addAt(p + "-c", base, "x");
        addAt(p + "-a", base + 1, "y");
        addAt(p + "-b", base + 1, "x");
        addAt(p + "-d", base + 2, null);

        TaskQueueQueryTasksResponse all = query(scan().setStartEtaUsec(base).setMaxRows(10));
        assertEquals(List.of(p + "-c", p + "-a", p + "-b", p + "-d"), names(all), "ETA, then name");
        assertEquals("body of " + p + "-c", all.getTask(0).getBody().toStringUtf8());
        assertEquals(
                List.of(p + "-b", p + "-d"),
                names(query(scan().setStartEtaUsec(base + 1)
                        .setStartTaskName(ByteString.copyFromUtf8(p + "-b"))
                        .setMaxRows(10))),
                "the start is included");
        assertEquals(List.of(p + "-a"), names(query(scan().setStartEtaUsec(base + 1))), "max_rows defaults to 1");

        assertEquals(
                List.of(p + "-c", p + "-b"),
                names(query(scan().setStartTag(ByteString.copyFromUtf8("x")).setMaxRows(10))),
                "one tag's tasks only, from the first");
        assertEquals(
                List.of(p + "-b"),
                names(query(scan().setStartTag(ByteString.copyFromUtf8("x"))
                        .setStartEtaUsec(base + 1)
                        .setStartTaskName(ByteString.copyFromUtf8(p + "-b"))
                        .setMaxRows(10))));
        assertEquals(
                List.of(),
                names(query(scan().setStartTag(ByteString.copyFromUtf8("x"))
                        .setStartEtaUsec(base + 1)
                        .setStartTaskName(ByteString.copyFromUtf8(p + "-c"))
                        .setMaxRows(10))));
        assertEquals(
                List.of(p + "-a"),
                names(query(scan().setStartTag(ByteString.copyFromUtf8("y")).setMaxRows(9))));
        assertEquals(List.of(), names(query(scan().setStartTag(ByteString.EMPTY).setMaxRows(9))));
        appError(
                call("QueryTasks", scan().setStartEtaUsec(base).setMaxRows(1001).build()),
                TaskQueueServiceError.ErrorCode.INVALID_REQUEST_VALUE);
    }

    private static TaskQueueQueryTasksRequest.Builder scan() {
        return TaskQueueQueryTasksRequest.newBuilder().setQueueName(QUEUE);
    }

    private static void addAt(String name, long etaUsec, String tag) {
        var t = AppEngineWireIT.task("body of " + name)
                .setTaskName(ByteString.copyFromUtf8(name))
                .setEtaUsec(etaUsec);
        if (tag != null) {
            t.setTag(ByteString.copyFromUtf8(tag));
        }
        AppEngineWireIT.bulkAdd(t);
    }

    private static TaskQueueQueryTasksResponse query(TaskQueueQueryTasksRequest.Builder r) throws Exception {
        return TaskQueueQueryTasksResponse.parseFrom(ok(call("QueryTasks", r.build())));
    }

    private static List<String> names(TaskQueueQueryTasksResponse r) {
        return r.getTaskList().stream().map(t -> t.getTaskName().toStringUtf8()).toList();
    }
}
