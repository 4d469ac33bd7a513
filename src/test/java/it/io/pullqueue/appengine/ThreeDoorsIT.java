package it.io.pullqueue.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.taskqueue.Taskqueue;
import com.google.api.services.taskqueue.model.Task;
import com.google.appengine.api.taskqueue.TaskAlreadyExistsException;
import com.google.appengine.api.taskqueue.TaskHandle;
import it.io.pullqueue.Http;
import it.io.pullqueue.v1beta2.V1beta2Api;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * One scenario through all three doors, interleaved on one queue: the native API ({@code /api/v1}), Google's
 * Task Queue REST API v1beta2 (its generated client) and the App Engine API protocol (the App Engine SDK through
 * the Remote API). Tasks added through one door are leased, extended, released and deleted through another; a
 * lease token from one door is honoured by the others, and one that another door made stale is refused by all.
 */
@MicroShedTest
class ThreeDoorsIT extends SdkTest {
    private static final String Q = "three-doors";
    private static final String NATIVE = "/api/v1/queues/" + Q;
    private final Taskqueue rest = V1beta2Api.client();

    @Override
    String queueName() {
        return Q;
    }

    @Test
    void oneQueueThreeDoors() throws Exception {
        // Add: one task through each door, all tagged "x", plus an untagged one through the SDK.
        String a = SdkClient.unique("native");
        assertEquals(
                201,
                Http.post(
                                NATIVE + "/tasks",
                                Json.createObjectBuilder()
                                        .add("name", a)
                                        .add("payload", "ZnJvbS1uYXRpdmU=")
                                        .add("tag", "x")
                                        .build())
                        .status());
        String b = rest.tasks()
                .insert(
                        V1beta2Api.PROJECT,
                        Q,
                        V1beta2Api.task(Q, "from-rest")
                                .setId(SdkClient.unique("rest"))
                                .setTag("x"))
                .execute()
                .getId();
        String c = queue.add(SdkClient.pull("from-sdk")
                        .taskName(SdkClient.unique("sdk"))
                        .tag("x"))
                .getName();

        // Lease all three through the SDK, by tag.
        Map<String, TaskHandle> leased = queue.leaseTasksByTag(60, TimeUnit.SECONDS, 10, "x").stream()
                .collect(Collectors.toMap(TaskHandle::getName, Function.identity()));
        assertEquals(
                Map.of(a, "from-native", b, "from-rest", c, "from-sdk"),
                leased.values().stream()
                        .collect(Collectors.toMap(TaskHandle::getName, t -> SdkClient.text(t.getPayload()))));

        // Extend the SDK's lease on c through v1beta2, with the SDK's own token; the SDK's handle is now stale.
        Task patched = rest.tasks()
                .patch(V1beta2Api.PROJECT, Q, c, 120, new Task().setLeaseTimestamp(etaUsec(leased.get(c))))
                .execute();
        assertThrows(
                IllegalStateException.class,
                () -> queue.modifyTaskLease(leased.get(c), 30, TimeUnit.SECONDS),
                "the SDK's token went stale when v1beta2 extended the lease");
        // ... and extend it again through the native API with v1beta2's token.
        Http.Resp nativeExtend = Http.post(
                NATIVE + "/tasks/" + c + ":modifyLease",
                Json.createObjectBuilder()
                        .add("leaseToken", Long.toString(patched.getLeaseTimestamp()))
                        .add("leaseSeconds", 300)
                        .build());
        assertEquals(200, nativeExtend.status(), nativeExtend.body());
        V1beta2Api.fails(
                409,
                () -> rest.tasks().patch(V1beta2Api.PROJECT, Q, c, 30, patched).execute());

        // Give b back through the SDK; lease it again through v1beta2 (second lease), while a and c stay leased.
        queue.modifyTaskLease(leased.get(b), 0, TimeUnit.SECONDS);
        List<Task> again = rest.tasks()
                .lease(V1beta2Api.PROJECT, Q, 10, 60)
                .setGroupByTag(true)
                .setTag("x")
                .execute()
                .getItems();
        assertEquals(1, again.size());
        assertEquals(b, again.get(0).getId());
        assertEquals(2, again.get(0).getRetryCount(), "leases through any door count");

        // An untagged task added through v1beta2 is leased through the native API.
        String d = rest.tasks()
                .insert(V1beta2Api.PROJECT, Q, V1beta2Api.task(Q, "untagged"))
                .execute()
                .getId();
        JsonArray nativeLeased = Http.post(
                        NATIVE + "/tasks:lease",
                        Json.createObjectBuilder()
                                .add("maxTasks", 10)
                                .add("leaseSeconds", 60)
                                .build())
                .json()
                .getJsonArray("tasks");
        assertEquals(1, nativeLeased.size(), nativeLeased.toString());
        assertEquals(d, nativeLeased.getJsonObject(0).getString("name"));

        // Statistics agree across the doors: four tasks, all leased.
        assertEquals(4, queue.fetchStatistics().getNumTasks());
        assertEquals(4, queue.fetchStatistics().getRequestsInFlight());
        assertEquals(
                4,
                rest.taskqueues()
                        .get(V1beta2Api.PROJECT, Q)
                        .setGetStats(true)
                        .execute()
                        .getStats()
                        .getTotalTasks());

        // Delete each through a door other than the one that added it.
        assertTrue(queue.deleteTask(a));
        rest.tasks().delete(V1beta2Api.PROJECT, Q, c).execute();
        assertEquals(204, Http.delete(NATIVE + "/tasks/" + b).status());
        assertEquals(
                List.of(true, false),
                queue.deleteTask(List.of(SdkClient.handle(d, Q, 0), SdkClient.handle(b, Q, 0))),
                "d is deleted, b was already");

        // The deleted names stay reserved, whichever door asks.
        assertThrows(
                TaskAlreadyExistsException.class,
                () -> queue.add(SdkClient.pull("again").taskName(b)));
        V1beta2Api.fails(
                409,
                () -> rest.tasks()
                        .insert(
                                V1beta2Api.PROJECT,
                                Q,
                                V1beta2Api.task(Q, "again").setId(a))
                        .execute());
        assertEquals(
                409,
                Http.post(
                                NATIVE + "/tasks",
                                Json.createObjectBuilder()
                                        .add("name", c)
                                        .add("payload", "")
                                        .build())
                        .status());
        assertEquals(0, queue.fetchStatistics().getNumTasks());
        assertEquals(0, SdkClient.count(Q));
    }

    /** The µs ETA the SDK keeps in a handle and sends as the lease token (its getter is package-private). */
    private static long etaUsec(TaskHandle t) throws ReflectiveOperationException {
        Method m = TaskHandle.class.getDeclaredMethod("getEtaUsec");
        m.setAccessible(true);
        return (long) m.invoke(t);
    }
}
