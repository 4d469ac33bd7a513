package it.io.pullqueue.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.JarServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable JAR, as an operator without Maven runs it: {@code java -jar target/pullqueue.jar} with the server's
 * environment variables serves the packaged queue.yaml, and keeps its tasks across a restart. (Run once, in the
 * SQLite pass: the JAR starts its own server.)
 */
@DisabledIfSystemProperty(
        named = "pullqueue.it.store",
        matches = "postgres",
        disabledReason = "runs once, in the SQLite pass")
class RunnableJarIT {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    @Test
    void servesAndKeepsItsTasksAcrossARestart() throws Exception {
        Path data = dir.resolve("data");
        try (JarServer server = new JarServer(dir.resolve("run"), Map.of("PULLQUEUE_DATA_DIR", data.toString()))) {
            server.start(START);
            System.out.println("runnable JAR: " + Files.size(JarServer.jar()) / (1024 * 1024) + " MiB, ready after "
                    + server.startToReady().toMillis() + " ms (first start, extracting)");
            String q = server.base() + "/api/v1/queues/pull-queue";
            assertEquals(
                    201,
                    post(q + "/tasks", "{\"payload\":\"aGVsbG8=\",\"name\":\"jar-1\"}")
                            .statusCode());
            assertEquals(
                    201,
                    post(q + "/tasks", "{\"payload\":\"d29ybGQ=\",\"name\":\"jar-2\"}")
                            .statusCode());
            JsonObject leased = json(post(q + "/tasks:lease", "{\"maxTasks\":1,\"leaseSeconds\":600}"));
            assertEquals("jar-1", leased.getJsonArray("tasks").getJsonObject(0).getString("name"));
            assertTrue(Files.isRegularFile(data.resolve("pullqueue.db")), "the database lives in PULLQUEUE_DATA_DIR");

            server.stop();
            server.start(START);
            System.out.println(
                    "runnable JAR: ready after " + server.startToReady().toMillis() + " ms (restart)");

            JsonObject stats = json(get(server.base() + "/api/v1/queues/pull-queue"));
            assertEquals(2, stats.getJsonObject("stats").getInt("tasks"), stats.toString());
            JsonObject lease2 = json(post(q + "/tasks:lease", "{\"maxTasks\":10,\"leaseSeconds\":60}"));
            assertEquals(1, lease2.getJsonArray("tasks").size(), "jar-1 is still leased: " + lease2);
            assertEquals("jar-2", lease2.getJsonArray("tasks").getJsonObject(0).getString("name"));
        }
    }

    private static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        assertTrue(r.statusCode() < 300, "HTTP " + r.statusCode() + ": " + r.body());
        return Json.createReader(new StringReader(r.body())).readObject();
    }
}
