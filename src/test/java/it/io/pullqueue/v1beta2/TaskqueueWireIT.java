package it.io.pullqueue.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * The v1beta2 wire details, sent by hand: what Google's client does (gzip bodies, method override, an empty
 * form-typed lease body, int64 as strings) and what it never sends (bad JSON, bad gzip, over-limit numbers, a
 * wrong project, oversized and inflating bodies). Failures come in Google's envelope and change no data.
 */
@MicroShedTest
class TaskqueueWireIT {
    private static final String Q = "v1beta2-wire";
    private static final String BASE = "/taskqueue/v1beta2/projects/" + V1beta2Api.PROJECT + "/taskqueues/" + Q;
    private long before;
    private String keep;

    @BeforeEach
    void seed() {
        V1beta2Api.purge(Q);
        keep = V1beta2Api.unique("keep");
        Http.Resp r = post(
                BASE + "/tasks",
                "{\"queueName\":\"" + Q + "\",\"id\":\"" + keep + "\",\"payloadBase64\":\"a2VlcA\"}",
                false);
        assertEquals(200, r.status(), r.body());
        before = V1beta2Api.count(Q);
    }

    @AfterEach
    void unchangedUnlessTheTestChangedIt() {
        assertEquals(before, V1beta2Api.count(Q), "stored data as the test expects");
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static HttpRequest.Builder request(String path, String method, byte[] body, boolean gzipped) {
        HttpRequest.Builder b = HttpRequest.newBuilder(Http.uri(path))
                .header("Content-Type", "application/json; charset=UTF-8")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(gzipped ? gzip(body) : body));
        if (gzipped) {
            b.header("Content-Encoding", "gzip");
        }
        return b;
    }

    static Http.Resp post(String path, String json, boolean gzipped) {
        return Http.send(request(path, "POST", json.getBytes(StandardCharsets.UTF_8), gzipped));
    }

    /** A failure in Google's envelope: status, error.code, a reason, a message, the field; no stack trace. */
    static JsonObject assertError(Http.Resp r, int status, String location) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
        JsonObject e = r.json().getJsonObject("error");
        assertEquals(status, e.getInt("code"));
        assertFalse(e.getString("message").isBlank());
        JsonObject item = e.getJsonArray("errors").getJsonObject(0);
        assertEquals("global", item.getString("domain"));
        assertFalse(item.getString("reason").isBlank());
        if (location != null) {
            assertEquals(location, item.getString("location"), r.body());
            assertEquals("parameter", item.getString("locationType"));
        }
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
        return e;
    }

    @Test
    void gzipAndPlainBodiesInsertTheSameTask() {
        String z = V1beta2Api.unique("z");
        Http.Resp zipped = post(
                BASE + "/tasks",
                "{\"queueName\":\"" + Q + "\",\"id\":\"" + z + "\",\"payloadBase64\":\"aGVsbG8=\",\"tag\":\"t\"}",
                true);
        assertEquals(200, zipped.status(), zipped.body());
        JsonObject t = zipped.json();
        assertEquals("taskqueues#task", t.getString("kind"));
        assertEquals(z, t.getString("id"));
        assertEquals("aGVsbG8=", t.getString("payloadBase64"));
        assertEquals(JsonValue.ValueType.STRING, t.get("enqueueTimestamp").getValueType(), "int64 as a string");
        assertEquals(JsonValue.ValueType.STRING, t.get("leaseTimestamp").getValueType(), "int64 as a string");
        assertEquals(0, t.getInt("retry_count"), "snake case, a number");
        assertEquals(t, Http.get(BASE + "/tasks/" + z).json());
        before++;
    }

    @Test
    void leaseTakesAnEmptyFormTypedGzipBodyOrNone() {
        Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri(BASE + "/tasks/lease?numTasks=10&leaseSecs=30"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(new byte[0]))));
        assertEquals(200, r.status(), r.body());
        assertEquals("taskqueue#tasks", r.json().getString("kind"));
        JsonObject t = r.json().getJsonArray("items").getJsonObject(0);
        assertEquals(keep, t.getString("id"));
        assertEquals(1, t.getInt("retry_count"));
        Http.Resp none = Http.send(HttpRequest.newBuilder(Http.uri(BASE + "/tasks/lease?numTasks=10&leaseSecs=30"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, none.status(), none.body());
        assertFalse(none.json().containsKey("items"), "nothing left: items left out");
    }

    @Test
    void methodOverrideTurnsAPostIntoAPatchOrADelete() {
        JsonObject leased = post(BASE + "/tasks/lease?numTasks=1&leaseSecs=30", "", false)
                .json()
                .getJsonArray("items")
                .getJsonObject(0);
        Http.Resp patched = Http.send(request(
                        BASE + "/tasks/" + keep + "?newLeaseSeconds=300",
                        "POST",
                        leased.toString().getBytes(StandardCharsets.UTF_8),
                        true)
                .header("X-HTTP-Method-Override", "PATCH"));
        assertEquals(200, patched.status(), patched.body());
        assertTrue(Long.parseLong(patched.json().getString("leaseTimestamp"))
                > Long.parseLong(leased.getString("leaseTimestamp")));

        assertError(
                Http.send(request(BASE + "/tasks/" + keep + "?newLeaseSeconds=300", "POST", new byte[0], false)
                        .header("X-HTTP-Method-Override", "TRACE")),
                400,
                "X-HTTP-Method-Override");
        assertError(
                Http.send(HttpRequest.newBuilder(Http.uri(BASE + "/tasks/" + keep))
                        .header("X-HTTP-Method-Override", "DELETE")
                        .GET()),
                400,
                "X-HTTP-Method-Override");

        Http.Resp realPatch = Http.send(request(
                BASE + "/tasks/" + keep + "?newLeaseSeconds=600",
                "PATCH",
                patched.body().getBytes(StandardCharsets.UTF_8),
                true));
        assertEquals(200, realPatch.status(), "a real PATCH (ApacheHttpTransport) works too: " + realPatch.body());

        Http.Resp deleted = Http.send(request(BASE + "/tasks/" + keep, "POST", new byte[0], false)
                .header("X-HTTP-Method-Override", "DELETE"));
        assertEquals(204, deleted.status(), deleted.body());
        before--;
    }

    @Test
    void badJsonAndBadGzipAre400() {
        assertError(post(BASE + "/tasks", "{\"queueName\": ", false), 400, null);
        assertError(post(BASE + "/tasks", "{\"queueName\": ", true), 400, null);
        assertError(post(BASE + "/tasks", "[1,2]", true), 400, null);
        assertError(post(BASE + "/tasks", "", true), 400, null);
        assertError(post(BASE + "/tasks", "{\"queueName\":\"" + Q + "\"}", false), 400, "payloadBase64");
        assertError(post(BASE + "/tasks", "{\"payloadBase64\":5}", false), 400, "payloadBase64");
        assertError(post(BASE + "/tasks", "{\"payloadBase64\":\"***\"}", false), 400, "payloadBase64");
        assertError(post(BASE + "/tasks", "{\"payloadBase64\":\"\",\"colour\":\"red\"}", false), 400, "colour");
        assertError(
                post(BASE + "/tasks", "{\"payloadBase64\":\"\",\"leaseTimestamp\":\"soon\"}", false),
                400,
                "leaseTimestamp");
        assertError(
                post(BASE + "/tasks/" + keep + "?newLeaseSeconds=10", "{\"leaseTimestamp\":[1]}", true),
                400,
                "leaseTimestamp");
        Http.Resp notGzip = Http.send(HttpRequest.newBuilder(Http.uri(BASE + "/tasks"))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"payloadBase64\":\"\"}")));
        assertError(notGzip, 400, "Content-Encoding");
        Http.Resp brotli = Http.send(HttpRequest.newBuilder(Http.uri(BASE + "/tasks"))
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString("{\"payloadBase64\":\"\"}")));
        assertError(brotli, 415, "Content-Encoding");
    }

    @Test
    void overLimitAndMalformedNumbersAre400() {
        String lease = BASE + "/tasks/lease?";
        assertError(post(lease + "numTasks=99999999999&leaseSecs=10", "", true), 400, "numTasks");
        assertError(post(lease + "numTasks=1001&leaseSecs=10", "", true), 400, "numTasks");
        assertError(post(lease + "numTasks=ten&leaseSecs=10", "", true), 400, "numTasks");
        assertError(post(lease + "leaseSecs=10", "", true), 400, "numTasks");
        assertError(post(lease + "numTasks=1", "", true), 400, "leaseSecs");
        assertError(post(lease + "numTasks=1&leaseSecs=1.5", "", true), 400, "leaseSecs");
        assertError(post(lease + "numTasks=1&leaseSecs=604801", "", true), 400, "leaseSecs");
        assertError(post(lease + "numTasks=1&leaseSecs=10&groupByTag=maybe", "", true), 400, "groupByTag");
        assertError(post(lease + "numTasks=1&leaseSecs=10&tag=red", "", true), 400, "tag");
        assertError(
                post(BASE + "/tasks/" + keep + "?newLeaseSeconds=-1", "{\"leaseTimestamp\":\"1\"}", true),
                400,
                "newLeaseSeconds");
        assertError(post(BASE + "/tasks/" + keep, "{\"leaseTimestamp\":\"1\"}", true), 400, "newLeaseSeconds");
        assertError(
                post(
                        BASE + "/tasks/" + keep + "?newLeaseSeconds=10",
                        "{\"leaseTimestamp\":\"99999999999999999999\"}",
                        true),
                400,
                "leaseTimestamp");
        assertError(
                post(BASE + "/tasks", "{\"payloadBase64\":\"\",\"leaseTimestamp\":\"-5\"}", true),
                400,
                "leaseTimestamp");
        assertError(Http.get(BASE + "?getStats=perhaps"), 400, "getStats");
        assertError(Http.get(BASE + "?alt=proto"), 400, "alt");
        assertEquals(1, Http.get(BASE + "/tasks").json().getJsonArray("items").size());
    }

    @Test
    void theProjectMustBeThisServersApp() {
        for (String p : new String[] {
            "other",
            "s~other",
            V1beta2Api.APP + "x",
            "~" + V1beta2Api.APP,
            "S~" + V1beta2Api.APP,
            "s~e~" + V1beta2Api.APP,
            "s-" + V1beta2Api.APP
        }) {
            String path = "/taskqueue/v1beta2/projects/" + p + "/taskqueues/" + Q;
            JsonObject e = assertError(Http.get(path + "/tasks"), 404, "project");
            assertEquals("UNKNOWN_PROJECT", e.getString("appEngineError"));
            assertError(post(path + "/tasks", "{\"payloadBase64\":\"\"}", true), 404, "project");
            assertError(Http.delete(path + "/tasks/" + keep), 404, "project");
        }
        for (String p :
                new String[] {V1beta2Api.APP, "s~" + V1beta2Api.APP, "e~" + V1beta2Api.APP, "dev~" + V1beta2Api.APP}) {
            assertEquals(
                    200,
                    Http.get("/taskqueue/v1beta2/projects/" + p + "/taskqueues/" + Q)
                            .status(),
                    p);
        }
    }

    @Test
    void oversizedAndInflatingBodiesAre413() throws IOException {
        StringBuilder json = new StringBuilder("{\"queueName\":\"" + Q + "\",\"payloadBase64\":\"");
        json.append("A".repeat(3 * 1024 * 1024)).append("\"}");
        byte[] bomb = gzip(json.toString().getBytes(StandardCharsets.US_ASCII));
        assertTrue(bomb.length < 64 * 1024, "a small compressed body: " + bomb.length);
        JsonObject e = assertError(
                Http.send(HttpRequest.newBuilder(Http.uri(BASE + "/tasks"))
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bomb))),
                413,
                null);
        assertEquals("REQUEST_TOO_LARGE", e.getString("appEngineError"));
        assertTrue(e.getString("message").contains("2097152"), e.getString("message"));

        assertError(post(BASE + "/tasks", json.toString(), false), 413, null);

        URI u = Http.uri(BASE + "/tasks");
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getHost() + "\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 40000000\r\nConnection: close\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", head, "refused from the declared length, before the body arrives");
        }
        assertEquals(200, Http.get(BASE + "/tasks/" + keep).status(), "the server is fine");
    }

    @Test
    void theNativeApiTakesGzipBodiesBoundedAfterInflationToo() {
        String rest = "/api/v1/queues/" + Q + "/tasks";
        Http.Resp ok =
                Http.send(request(rest, "POST", "{\"payload\":\"aGk=\"}".getBytes(StandardCharsets.UTF_8), true));
        assertEquals(201, ok.status(), ok.body());
        before++;
        byte[] bomb =
                gzip(("{\"payload\":\"" + "A".repeat(40 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII));
        Http.Resp big = Http.send(HttpRequest.newBuilder(Http.uri(rest))
                .header("Content-Encoding", "gzip")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bomb)));
        assertEquals(413, big.status(), big.body());
        assertEquals("REQUEST_TOO_LARGE", big.reason());
        Http.Resp notGzip = Http.send(HttpRequest.newBuilder(Http.uri(rest))
                .header("Content-Encoding", "gzip")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"payload\":\"\"}")));
        assertEquals(400, notGzip.status(), notGzip.body());
        assertEquals("Content-Encoding", notGzip.field());
    }

    @Test
    void unknownPathsAndMethodsGetTheEnvelope() {
        assertError(Http.get("/taskqueue/v1beta2/nothing"), 404, null);
        assertError(Http.get("/taskqueue/v1beta1/projects/" + V1beta2Api.PROJECT + "/taskqueues/" + Q), 404, null);
        assertError(
                Http.send(request(BASE + "/tasks/" + keep, "PUT", "{}".getBytes(StandardCharsets.UTF_8), false)),
                405,
                null);
    }
}
