package it.io.pullqueue.rest;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Native-API calls the integration tests share. */
final class NativeApi {
    private NativeApi() {}

    /** A name no earlier run has used (tombstones outlive test runs). */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(JsonObject task) {
        return new String(Base64.getDecoder().decode(task.getString("payload")), StandardCharsets.UTF_8);
    }

    static JsonObjectBuilder task(String payload) {
        return Json.createObjectBuilder().add("payload", b64(payload));
    }

    static Http.Resp add(String queue, JsonObjectBuilder task) {
        return Http.post("/api/v1/queues/" + queue + "/tasks", task.build());
    }

    static Http.Resp batchAdd(String queue, JsonObjectBuilder... tasks) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (JsonObjectBuilder t : tasks) {
            a.add(t);
        }
        return Http.post(
                "/api/v1/queues/" + queue + "/tasks:batchAdd",
                Json.createObjectBuilder().add("tasks", a).build());
    }

    static Http.Resp lease(String queue, JsonObjectBuilder body) {
        return Http.post("/api/v1/queues/" + queue + "/tasks:lease", body.build());
    }

    static Http.Resp lease(String queue, int max, double seconds) {
        return lease(queue, Json.createObjectBuilder().add("maxTasks", max).add("leaseSeconds", seconds));
    }

    static Http.Resp modify(String queue, String name, String token, double seconds) {
        return Http.post(
                "/api/v1/queues/" + queue + "/tasks/" + name + ":modifyLease",
                Json.createObjectBuilder()
                        .add("leaseToken", token)
                        .add("leaseSeconds", seconds)
                        .build());
    }

    static void purge(String queue) {
        Http.Resp r = Http.post("/api/v1/queues/" + queue + ":purge", "");
        if (r.status() != 200) {
            throw new AssertionError("purge failed: " + r.body());
        }
    }

    static long taskCount(String queue) {
        return Http.get("/api/v1/queues/" + queue)
                .json()
                .getJsonObject("stats")
                .getJsonNumber("tasks")
                .longValue();
    }
}
