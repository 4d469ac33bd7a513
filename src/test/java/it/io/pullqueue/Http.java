package it.io.pullqueue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.microshed.testing.ApplicationEnvironment;

/**
 * A small HTTP client for the integration tests. The server's address comes from MicroShed's manually-started
 * environment (microshed_hostname / microshed_http_port, set by failsafe from the pom).
 */
public final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {}

    /** The application's base URL without a trailing slash, e.g. {@code http://localhost:9080}. */
    public static String base() {
        String url = ApplicationEnvironment.Resolver.load().getApplicationURL();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A response: status, raw body, and the body as JSON when it is JSON. */
    public record Resp(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            try {
                JsonStructure s = Json.createReader(new StringReader(body)).read();
                return s.asJsonObject();
            } catch (RuntimeException e) {
                throw new AssertionError("not a JSON object (HTTP " + status + "): " + body, e);
            }
        }

        /** The {@code error.reason} of an error response. */
        public String reason() {
            return json().getJsonObject("error").getString("reason");
        }

        public String field() {
            JsonValue f = json().getJsonObject("error").get("field");
            return f == null ? null : json().getJsonObject("error").getString("field");
        }
    }

    public static Resp get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public static Resp delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public static Resp post(String path, Object json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(json))));
    }

    public static Resp send(HttpRequest.Builder b) {
        HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body(), r.headers());
    }

    /** Sends a request (60 s timeout) and reads its answer with {@code body}: for answers that are not text. */
    public static <T> HttpResponse<T> exchange(HttpRequest.Builder b, HttpResponse.BodyHandler<T> body) {
        try {
            return CLIENT.send(b.timeout(Duration.ofSeconds(60)).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static URI uri(String path) {
        return URI.create(base() + path);
    }

    public static HttpClient client() {
        return CLIENT;
    }
}
