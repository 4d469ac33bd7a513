package it.io.pullqueue.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.api.services.taskqueue.Taskqueue;
import com.google.api.services.taskqueue.model.Task;
import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * One queue, two doors interleaved: tasks added through the native API are leased through v1beta2 and the other
 * way round; a lease token from one door is honoured (and a stale one refused) by the other.
 */
@MicroShedTest
class NativeAndV1beta2IT {
    private static final String Q = "v1beta2-queue";
    private static final String NATIVE = "/api/v1/queues/" + Q;
    private final Taskqueue tq = V1beta2Api.client();

    private static String nativeAdd(String name, String tag) {
        var t = Json.createObjectBuilder().add("name", name).add("payload", "aGk=");
        if (tag != null) {
            t.add("tag", tag);
        }
        Http.Resp r = Http.post(NATIVE + "/tasks", t.build());
        assertEquals(201, r.status(), r.body());
        return name;
    }

    private static Http.Resp nativeModify(String name, String token, int seconds) {
        return Http.post(
                NATIVE + "/tasks/" + name + ":modifyLease",
                Json.createObjectBuilder()
                        .add("leaseToken", token)
                        .add("leaseSeconds", seconds)
                        .build());
    }

    @Test
    void addLeaseExtendAndDeleteAcrossDoors() throws Exception {
        V1beta2Api.purge(Q);
        String a = nativeAdd(V1beta2Api.unique("a"), "red");
        String b = nativeAdd(V1beta2Api.unique("b"), null);
        String c = tq.tasks()
                .insert(
                        V1beta2Api.PROJECT,
                        Q,
                        V1beta2Api.task(Q, "hi").setId(V1beta2Api.unique("c")).setTag("red"))
                .execute()
                .getId();

        Map<String, Task> red = tq
                .tasks()
                .lease(V1beta2Api.PROJECT, Q, 10, 60)
                .setGroupByTag(true)
                .setTag("red")
                .execute()
                .getItems()
                .stream()
                .collect(Collectors.toMap(Task::getId, Function.identity()));
        assertEquals(2, red.size());
        assertEquals("hi", V1beta2Api.text(red.get(a)), "a natively added payload reads the same");
        assertEquals(1, red.get(c).getRetryCount());

        Http.Resp extended = nativeModify(a, Long.toString(red.get(a).getLeaseTimestamp()), 120);
        assertEquals(200, extended.status(), "v1beta2's leaseTimestamp is the native lease token: " + extended.body());
        String token = extended.json().getString("leaseToken");
        V1beta2Api.fails(
                409,
                () -> tq.tasks().patch(V1beta2Api.PROJECT, Q, a, 30, red.get(a)).execute());
        Task patched = tq.tasks()
                .patch(V1beta2Api.PROJECT, Q, a, 30, new Task().setLeaseTimestamp(Long.parseLong(token)))
                .execute();
        assertEquals(
                patched.getLeaseTimestamp(),
                Http.get(NATIVE + "/tasks/" + a).json().getJsonNumber("etaUsec").longValue());
        assertEquals(409, nativeModify(a, token, 30).status(), "the native token went stale in turn");

        Http.Resp leased = Http.post(
                NATIVE + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", 10)
                        .add("leaseSeconds", 60)
                        .build());
        JsonArray tasks = leased.json().getJsonArray("tasks");
        assertEquals(1, tasks.size(), leased.body());
        JsonObject nb = tasks.getJsonObject(0);
        assertEquals(b, nb.getString("name"));
        Task viaRest = tq.tasks().get(V1beta2Api.PROJECT, Q, b).execute();
        assertEquals(nb.getJsonNumber("etaUsec").longValue(), viaRest.getLeaseTimestamp());
        assertEquals(1, viaRest.getRetryCount());

        tq.tasks().delete(V1beta2Api.PROJECT, Q, a).execute();
        assertEquals(204, Http.delete(NATIVE + "/tasks/" + c).status());
        Http.Resp gone = Http.post(
                NATIVE + "/tasks:batchDelete",
                Json.createObjectBuilder()
                        .add("names", Json.createArrayBuilder().add(a).add(b))
                        .build());
        assertEquals(
                List.of("TOMBSTONED_TASK", "OK"),
                gone.json().getJsonArray("results").stream()
                        .map(v -> v.asJsonObject().getString("status"))
                        .toList());
        V1beta2Api.fails(404, () -> tq.tasks().get(V1beta2Api.PROJECT, Q, c).execute());
        assertEquals(
                0,
                tq.taskqueues()
                        .get(V1beta2Api.PROJECT, Q)
                        .setGetStats(true)
                        .execute()
                        .getStats()
                        .getTotalTasks());
        assertEquals(0, V1beta2Api.count(Q));
    }
}
