package it.io.pullqueue.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** One pullqueue server of the cluster tests, by base URL. A call that cannot reach it throws {@link Down}. */
final class Node {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The server could not be reached, or the connection broke before an answer came. */
    static final class Down extends RuntimeException {
        Down(IOException cause) {
            super(cause);
        }
    }

    final String name;
    final String base;
    /** Calls that did not reach this server or broke off without an answer. */
    final AtomicInteger unreachable = new AtomicInteger();

    Node(String name, String base) {
        this.name = name;
        this.base = base;
    }

    JsonObject post(String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(body)));
        return send(b);
    }

    JsonObject get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Status and body of a call, for calls whose error answers matter. */
    int status(String path, Object body) {
        try {
            return CLIENT.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(body)))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            unreachable.incrementAndGet();
            throw new Down(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A call's HTTP status, its body (an empty object when it had none) and how long it took. */
    record Answer(int status, JsonObject body, long millis) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A POST whose error answers are data, not failures: any status comes back; only no answer throws. */
    Answer answer(String path, Object body) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonObject parsed = r.body().startsWith("{")
                    ? Json.createReader(new StringReader(r.body())).readObject()
                    : JsonObject.EMPTY_JSON_OBJECT;
            return new Answer(r.statusCode(), parsed, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            unreachable.incrementAndGet();
            throw new Down(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonObject send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    CLIENT.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new AssertionError(name + " answered HTTP " + r.statusCode() + ": " + r.body());
            }
            JsonStructure s = Json.createReader(new StringReader(r.body().isEmpty() ? "{}" : r.body()))
                    .read();
            return s.asJsonObject();
        } catch (IOException e) {
            unreachable.incrementAndGet();
            throw new Down(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + base + ")";
    }
}
