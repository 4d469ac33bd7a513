package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.JarServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server listening on every interface ({@code HTTP_HOST=*}, as the Docker image runs it) with no credentials
 * configured lets nobody in, also from this machine: the operator must configure keys or opt out explicitly.
 */
@DisabledIfSystemProperty(
        named = "pullqueue.it.store",
        matches = "postgres",
        disabledReason = "runs once, in the SQLite pass")
class OpenBindIT {
    @TempDir
    Path dir;

    @Test
    void boundToEveryInterfaceWithoutCredentialsItRefusesAnonymousCalls() throws Exception {
        try (JarServer server = new JarServer(
                dir,
                Map.of(
                        "HTTP_HOST",
                        "*",
                        "PULLQUEUE_DATA_DIR",
                        dir.resolve("data").toString()))) {
            server.start(Duration.ofMinutes(4));
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> anonymous = client.send(
                    HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/queues"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals(
                    "Bearer realm=\"pullqueue\"",
                    anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
            HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(URI.create(server.base() + "/health/ready"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(health.body().replaceAll("\\s", "").contains("\"mode\":\"required\""), health.body());
        }
    }
}
