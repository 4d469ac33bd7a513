package it.io.pullqueue.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.appengine.api.taskqueue.Queue;
import com.google.appengine.api.taskqueue.QueueFactory;
import com.google.appengine.api.taskqueue.TaskHandle;
import com.google.appengine.api.taskqueue.TaskOptions;
import com.google.appengine.tools.remoteapi.RemoteApiInstaller;
import com.google.appengine.tools.remoteapi.RemoteApiOptions;
import it.io.pullqueue.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Google's App Engine SDK pointed at the IT server through the Remote API, as a user would set it up. */
final class SdkClient {
    private SdkClient() {}

    /**
     * Installs the Remote API on the calling thread. The host must be literally {@code localhost} for the
     * development-server credential (no login request is made).
     */
    static RemoteApiInstaller install() {
        RemoteApiOptions options = new RemoteApiOptions()
                .server("localhost", URI.create(Http.base()).getPort())
                .useDevelopmentServerCredential();
        RemoteApiInstaller installer = new RemoteApiInstaller();
        try {
            installer.install(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return installer;
    }

    static Queue queue(String name) {
        return QueueFactory.getQueue(name);
    }

    static TaskOptions pull(String payload) {
        return TaskOptions.Builder.withMethod(TaskOptions.Method.PULL).payload(payload);
    }

    /** A handle for a task known by name, with an ETA (the lease token) as a client would have stored it. */
    static TaskHandle handle(String name, String queue, long etaMillis) {
        return new TaskHandle(TaskOptions.Builder.withTaskName(name).etaMillis(etaMillis), queue);
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Empties a queue through the native API. */
    static void purge(String queue) {
        Http.Resp r = Http.post("/api/v1/queues/" + queue + ":purge", "");
        assertEquals(200, r.status(), r.body());
    }

    /** The queue's native statistics (tasks, leased, due, ...). */
    static jakarta.json.JsonObject stats(String queue) {
        return Http.get("/api/v1/queues/" + queue).json().getJsonObject("stats");
    }

    static long count(String queue) {
        return stats(queue).getJsonNumber("tasks").longValue();
    }
}
