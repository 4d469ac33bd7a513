package io.pullqueue.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's credentials on the wire, against the JDK's own HTTP server standing in for a pullqueue that asks
 * every caller for an API key: the key goes out as a bearer header over HTTP/1.1, and an unknown key is a
 * permanent 401 that is not retried.
 */
class PullQueueClientCredentialsTest {

    private static final String KEY = "worker-key-1";

    /** What each request carried: its protocol, its Authorization header and whether it asked for an upgrade. */
    record Seen(String protocol, String authorization, String upgrade) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/queues/", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The backlog of queue q for the right key; the server's 401 (with its challenge) for any other. */
    private void answer(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        seen.add(new Seen(x.getProtocol(), auth, x.getRequestHeaders().getFirst("Upgrade")));
        String body;
        int status;
        if (("Bearer " + KEY).equals(auth)) {
            status = 200;
            body = "{\"queue\":\"q\",\"due\":3,\"inFlight\":1,\"oldestDueAgeSeconds\":2.5,\"asOfUsec\":1000000}";
        } else {
            status = 401;
            x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"pullqueue\"");
            body = "{\"error\":{\"code\":401,\"reason\":\"UNAUTHENTICATED\",\"message\":\"an API key is required\"}}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Test
    void theApiKeyGoesOutAsABearerHeaderOverHttp11() throws Exception {
        Backlog b = PullQueueClient.builder(url, Map.of()).apiKey(KEY).build().backlog("q");
        assertEquals(3, b.due());
        assertEquals(List.of(new Seen("HTTP/1.1", "Bearer " + KEY, null)), seen);
    }

    @Test
    void theKeyInPullqueueApiKeyIsSentByDefault() throws Exception {
        PullQueueClient.builder(url, Map.of("PULLQUEUE_API_KEY", KEY)).build().backlog("q");
        assertEquals("Bearer " + KEY, seen.get(0).authorization());
    }

    @Test
    void withoutAKeyNothingIsSent() {
        assertThrows(PermanentException.class, () -> PullQueueClient.builder(url, Map.of()).build().backlog("q"));
        assertNull(seen.get(0).authorization());
    }

    @Test
    void anUnknownKeyIsAPermanent401WithItsReasonAndIsNotRetried() {
        PullQueueClient client = PullQueueClient.builder(url, Map.of("PULLQUEUE_API_KEY", KEY))
                .apiKey("not-a-key")
                .sleeper(d -> {
                    throw new AssertionError("a 401 must not be retried, yet the client waited " + d);
                })
                .build();
        PermanentException e = assertThrows(PermanentException.class, () -> client.backlog("q"));
        assertEquals(401, e.status());
        assertTrue(e.is("UNAUTHENTICATED"), e.reason());
        assertTrue(e.getMessage().contains("an API key is required"), e.getMessage());
        assertEquals(1, seen.size());
        assertEquals("Bearer not-a-key", seen.get(0).authorization());
    }

    @Test
    void aMalformedKeyInTheEnvironmentIsRefusedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PullQueueClient.builder(url, Map.of("PULLQUEUE_API_KEY", "two words")));
        assertTrue(e.getMessage().startsWith("PULLQUEUE_API_KEY: "), e.getMessage());
        assertFalse(e.getMessage().contains("two words"), "the key must not be echoed: " + e.getMessage());
    }

    @Test
    void credentialsNoneOverridesTheEnvironment() {
        PullQueueClient client = PullQueueClient.builder(url, Map.of("PULLQUEUE_API_KEY", KEY))
                .credentials(Credentials.NONE)
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        assertThrows(PermanentException.class, () -> client.backlog("q"));
        assertNull(seen.get(0).authorization());
    }
}
