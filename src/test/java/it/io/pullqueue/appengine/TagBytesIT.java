package it.io.pullqueue.appengine;

import static it.io.pullqueue.appengine.RpcHttp.call;
import static it.io.pullqueue.appengine.RpcHttp.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.appengine.api.taskqueue.TaskHandle;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksResponse;
import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Tags are bytes, as on App Engine: a tag that is not UTF-8 goes in and comes out exactly through the SDK and raw
 * envelopes, and as {@code tagBase64} through the native API and v1beta2, which refuse bad tag input with a 400
 * naming the field.
 */
@MicroShedTest
class TagBytesIT extends SdkTest {
    static final String Q = AppEngineSdkIT.Q;
    private static final byte[] BINARY = {(byte) 0xc3, (byte) 0x28, 0, (byte) 0xff};
    private static final String BINARY_B64 = Base64.getEncoder().encodeToString(BINARY);
    private static final String NATIVE = "/api/v1/queues/" + Q;
    private static final String V1BETA2 = "/taskqueue/v1beta2/projects/s~pullqueue/taskqueues/" + Q;

    @Override
    String queueName() {
        return Q;
    }

    @Test
    void theSdkSendsAndReadsAnyTagBytes() {
        queue.add(List.of(
                SdkClient.pull("bin").tag(BINARY),
                SdkClient.pull("text").tag("red"),
                SdkClient.pull("replaced").tag(new String(BINARY, StandardCharsets.UTF_8))));

        List<TaskHandle> leased = queue.leaseTasksByTagBytes(60, TimeUnit.SECONDS, 10, BINARY);
        assertEquals(1, leased.size(), "only the task with exactly these bytes");
        assertEquals("bin", SdkClient.text(leased.get(0).getPayload()));
        assertArrayEquals(BINARY, leased.get(0).getTagAsBytes());

        JsonObject listed =
                Http.get(NATIVE + "/tasks/" + leased.get(0).getName()).json();
        assertEquals(BINARY_B64, listed.getString("tagBase64"), "the native API's lossless form");
        assertFalse(listed.containsKey("tag"));
        assertEquals(1, queue.leaseTasksByTag(60, TimeUnit.SECONDS, 10, "red").size());
    }

    @Test
    void rawEnvelopesCarryTheBytesExactly() throws InvalidProtocolBufferException {
        ByteString tag = ByteString.copyFrom(BINARY);
        ok(call(
                "Add",
                TaskQueueAddRequest.newBuilder()
                        .setQueueName(ByteString.copyFromUtf8(Q))
                        .setTaskName(ByteString.copyFromUtf8(SdkClient.unique("raw")))
                        .setEtaUsec(0)
                        .setMode(TaskQueueMode.Mode.PULL)
                        .setBody(ByteString.copyFromUtf8("raw"))
                        .setTag(tag)
                        .build()));

        TaskQueueQueryTasksResponse listed = TaskQueueQueryTasksResponse.parseFrom(ok(call(
                "QueryTasks",
                TaskQueueQueryTasksRequest.newBuilder()
                        .setQueueName(ByteString.copyFromUtf8(Q))
                        .setMaxRows(10)
                        .build())));
        assertEquals(tag, listed.getTask(0).getTag());
        TaskQueueQueryAndOwnTasksResponse r = TaskQueueQueryAndOwnTasksResponse.parseFrom(ok(call(
                "QueryAndOwnTasks",
                TaskQueueQueryAndOwnTasksRequest.newBuilder()
                        .setQueueName(ByteString.copyFromUtf8(Q))
                        .setLeaseSeconds(60)
                        .setMaxTasks(10)
                        .setGroupByTag(true)
                        .setTag(tag)
                        .build())));
        assertEquals(1, r.getTaskCount());
        assertEquals(tag, r.getTask(0).getTag());
    }

    @Test
    void theNativeApiTakesAndGivesTagBase64() {
        Http.Resp added = Http.post(
                NATIVE + "/tasks",
                Json.createObjectBuilder()
                        .add("payload", "")
                        .add("tagBase64", BINARY_B64)
                        .build());
        assertEquals(201, added.status(), added.body());
        assertEquals(
                BINARY_B64,
                Http.get(NATIVE + "/tasks/" + added.json().getString("name"))
                        .json()
                        .getString("tagBase64"));
        Http.post(
                NATIVE + "/tasks",
                Json.createObjectBuilder().add("payload", "").add("tag", "red").build());
        // Text given as tagBase64 is the same tag as the text, and comes back as text.
        Http.post(
                NATIVE + "/tasks",
                Json.createObjectBuilder()
                        .add("payload", "")
                        .add(
                                "tagBase64",
                                Base64.getUrlEncoder()
                                        .withoutPadding()
                                        .encodeToString("red".getBytes(StandardCharsets.UTF_8)))
                        .build());

        JsonObject search = Http.get(
                        NATIVE + "/tasks?tagBase64=" + Base64.getUrlEncoder().encodeToString(BINARY))
                .json();
        assertEquals(1, search.getJsonArray("tasks").size());
        JsonObject leased = Http.post(
                        NATIVE + "/tasks:lease",
                        Json.createObjectBuilder()
                                .add("maxTasks", 10)
                                .add("leaseSeconds", 60)
                                .add("tagBase64", BINARY_B64)
                                .build())
                .json();
        assertEquals(1, leased.getJsonArray("tasks").size());
        assertEquals(BINARY_B64, leased.getJsonArray("tasks").getJsonObject(0).getString("tagBase64"));
        List<String> reds = Http.post(
                        NATIVE + "/tasks:lease",
                        Json.createObjectBuilder()
                                .add("maxTasks", 10)
                                .add("leaseSeconds", 60)
                                .add("tag", "red")
                                .build())
                .json()
                .getJsonArray("tasks")
                .getValuesAs(JsonObject.class)
                .stream()
                .map(t -> t.getString("tag"))
                .toList();
        assertEquals(List.of("red", "red"), reds);
    }

    @Test
    void badTagInputIsA400NamingTheField() {
        String big = Base64.getEncoder().encodeToString(new byte[501]);
        for (JsonObject bad : List.of(
                Json.createObjectBuilder()
                        .add("payload", "")
                        .add("tag", "a")
                        .add("tagBase64", "YQ==")
                        .build(),
                Json.createObjectBuilder()
                        .add("payload", "")
                        .add("tagBase64", "***")
                        .build(),
                Json.createObjectBuilder()
                        .add("payload", "")
                        .add("tagBase64", big)
                        .build())) {
            Http.Resp r = Http.post(NATIVE + "/tasks", bad);
            assertEquals(400, r.status(), r.body());
            assertEquals("tagBase64", r.field(), r.body());
        }
        Http.Resp lease = Http.post(
                NATIVE + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", 1)
                        .add("leaseSeconds", 1)
                        .add("tagBase64", big)
                        .build());
        assertEquals(400, lease.status(), lease.body());
        assertEquals("tagBase64", lease.field());
        Http.Resp v1 = Http.post(
                V1BETA2 + "/tasks",
                Json.createObjectBuilder()
                        .add("payloadBase64", "")
                        .add("tagBase64", "%%")
                        .build());
        assertEquals(400, v1.status(), v1.body());
        assertEquals(
                "tagBase64",
                v1.json()
                        .getJsonObject("error")
                        .getJsonArray("errors")
                        .getJsonObject(0)
                        .getString("location"),
                v1.body());
        assertEquals(0, SdkClient.count(Q), "nothing was added");
    }

    @Test
    void v1beta2TakesAndGivesTagBase64() {
        Http.Resp added = Http.post(
                V1BETA2 + "/tasks",
                Json.createObjectBuilder()
                        .add("payloadBase64", "")
                        .add("tagBase64", BINARY_B64)
                        .build());
        assertEquals(200, added.status(), added.body());
        assertEquals(BINARY_B64, added.json().getString("tagBase64"));
        Http.Resp leased = Http.post(
                V1BETA2 + "/tasks/lease?numTasks=10&leaseSecs=60&groupByTag=true&tagBase64="
                        + Base64.getUrlEncoder().encodeToString(BINARY),
                "");
        assertEquals(200, leased.status(), leased.body());
        assertEquals(
                BINARY_B64, leased.json().getJsonArray("items").getJsonObject(0).getString("tagBase64"));
    }
}
