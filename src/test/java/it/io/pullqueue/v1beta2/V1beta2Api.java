package it.io.pullqueue.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.jackson2.JacksonFactory;
import com.google.api.services.taskqueue.Taskqueue;
import com.google.api.services.taskqueue.model.Task;
import it.io.pullqueue.Http;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.function.Executable;

/**
 * Google's generated v1beta2 client pointed at the IT server, and small helpers around it (public: the three-door
 * scenario in it.io.pullqueue.appengine uses them too).
 */
public final class V1beta2Api {
    private V1beta2Api() {}

    /** The IT server's app id (pullqueue.app.id), as a client would write it. */
    public static final String APP = System.getProperty("pullqueue.it.app.id", "pullqueue");

    public static final String PROJECT = "s~" + APP;

    /** The client exactly as a user would build it, with no credentials (null request initializer). */
    public static Taskqueue client() {
        return new Taskqueue.Builder(new NetHttpTransport(), JacksonFactory.getDefaultInstance(), null)
                .setRootUrl(Http.base() + "/")
                .setServicePath("taskqueue/v1beta2/projects/")
                .setApplicationName("pullqueue-conformance")
                .build();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Task task(String queue, String payload) {
        return new Task()
                .setQueueName(queue)
                .setPayloadBase64(Base64.getUrlEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
    }

    public static String text(Task t) {
        return new String(Base64.getUrlDecoder().decode(t.getPayloadBase64()), StandardCharsets.UTF_8);
    }

    /** Empties a queue through the native API. */
    static void purge(String queue) {
        Http.Resp r = Http.post("/api/v1/queues/" + queue + ":purge", "");
        assertEquals(200, r.status(), r.body());
    }

    /** The number of stored tasks, read through the native API. */
    static long count(String queue) {
        return Http.get("/api/v1/queues/" + queue)
                .json()
                .getJsonObject("stats")
                .getJsonNumber("tasks")
                .longValue();
    }

    /** The call fails with this HTTP status in Google's envelope; returns the exception for further checks. */
    public static GoogleJsonResponseException fails(int status, Executable call) {
        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class, call);
        assertEquals(status, e.getStatusCode(), e.getContent());
        assertEquals(status, e.getDetails().getCode(), e.getContent());
        return e;
    }

    static String reason(GoogleJsonResponseException e) {
        return e.getDetails().getErrors().get(0).getReason();
    }

    static String location(GoogleJsonResponseException e) {
        return e.getDetails().getErrors().get(0).getLocation();
    }

    static String appEngineError(GoogleJsonResponseException e) {
        return (String) e.getDetails().get("appEngineError");
    }
}
