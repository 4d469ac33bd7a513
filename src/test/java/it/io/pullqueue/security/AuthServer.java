package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.io.pullqueue.Http;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.stream.Collectors;

/**
 * The integration tests' authenticating server ({@code pullqueue-it-auth}, started by the build with
 * {@code pullqueue.auth.mode=required}, the keys of {@code src/it/config/api-keys} and the CORS allow-list
 * {@code http://allowed.example}), and the callers its key file names.
 */
final class AuthServer {
    static final String OPEN = "auth-open";
    /** {@code user_email} and {@code writer_email}: listed@example.com. */
    static final String ACL = "auth-acl";

    static final String ALLOWED_ORIGIN = "http://allowed.example";

    /** The callers: no credential, a key the server does not know, and one key per line of the key file. */
    enum Who {
        NOBODY(null),
        UNKNOWN_KEY("unknown-key-000000001"),
        CONSUMER("consumer-key-000000001"),
        PRODUCER("producer-key-000000001"),
        ADMIN("admin-key-0000000001"),
        IN_ACL("listed-key-0000000001"),
        NOT_IN_ACL("unlisted-key-00000001");

        final String key;

        Who(String key) {
            this.key = key;
        }
    }

    private AuthServer() {}

    static String base() {
        return "http://localhost:" + System.getProperty("pullqueue.it.auth.http.port", "9185");
    }

    static URI uri(String path) {
        return URI.create(base() + path);
    }

    /** A request to the auth server with {@code who}'s key as a bearer token (none for NOBODY). */
    static HttpRequest.Builder request(String path, Who who) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        return who.key == null ? b : b.header("Authorization", "Bearer " + who.key);
    }

    static Http.Resp get(String path, Who who) {
        return Http.send(request(path, who).GET());
    }

    static Http.Resp post(String path, Who who, String json) {
        return Http.send(request(path, who)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Adds a task as admin and leases it for an hour; returns {name, leaseToken, tag}. */
    static String[] leasedTask(String queue, String tag) {
        Http.Resp add =
                post("/api/v1/queues/" + queue + "/tasks", Who.ADMIN, "{\"payload\":\"aGk=\",\"tag\":\"" + tag + "\"}");
        assertEquals(201, add.status(), add.body());
        Http.Resp lease = post(
                "/api/v1/queues/" + queue + "/tasks:lease",
                Who.ADMIN,
                "{\"maxTasks\":1,\"leaseSeconds\":3600,\"tag\":\"" + tag + "\"}");
        assertEquals(200, lease.status(), lease.body());
        JsonObject t = lease.json().getJsonArray("tasks").getJsonObject(0);
        return new String[] {t.getString("name"), t.getString("leaseToken"), tag};
    }

    /** What a refused call must not change: the queue's paused flag and each task's name, ETA and lease count. */
    static String state(String queue) {
        Http.Resp q = get("/api/v1/queues/" + queue, Who.ADMIN);
        Http.Resp tasks = get("/api/v1/queues/" + queue + "/tasks?pageSize=1000", Who.ADMIN);
        assertEquals(200, q.status(), q.body());
        assertEquals(200, tasks.status(), tasks.body());
        return "paused=" + q.json().getBoolean("paused") + " "
                + tasks.json().getJsonArray("tasks").stream()
                        .map(JsonValue::asJsonObject)
                        .map(t -> t.getString("name") + "@" + t.getJsonNumber("etaUsec") + "#" + t.getInt("retryCount"))
                        .collect(Collectors.joining(","));
    }
}
