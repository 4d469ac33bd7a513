package it.io.pullqueue.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * What a hostile tester sent (issue 12, findings 3 to 5): each gets a 4xx in its door's error shape that names the
 * field, leaks no class name, stack frame or server message, and changes nothing.
 */
@MicroShedTest
class HostileInputIT {
    private static final String Q = "edge-queue";
    private static final String NATIVE = "/api/v1/queues/" + Q;
    private static final String V1 = "/taskqueue/v1beta2/projects/pullqueue/taskqueues/" + Q;
    private long before;

    @BeforeEach
    void count() {
        before = taskCount();
    }

    private static long taskCount() {
        return Http.get(NATIVE)
                .json()
                .getJsonObject("stats")
                .getJsonNumber("tasks")
                .longValue();
    }

    /**
     * A request line sent as it is over a socket (Java's URI refuses a malformed escape such as {@code %%%%}); the
     * answer as status and body.
     */
    private static Http.Resp raw(String requestLine) {
        java.net.URI base = java.net.URI.create(Http.base());
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.getOutputStream()
                    .write((requestLine + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.substring(9, 12));
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            return new Http.Resp(status, body, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Http.Resp post(String path, String contentType, byte[] body) {
        return Http.send(HttpRequest.newBuilder(Http.uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static Http.Resp postJson(String path, String body) {
        return post(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    /** The native shape: status, reason, the field at fault (when given), no leak, nothing stored. */
    private void nativeError(Http.Resp r, int status, String reason, String field) {
        assertEquals(status, r.status(), r.body());
        assertNull(Leaks.find(r.body()), r.body());
        JsonObject e = r.json().getJsonObject("error");
        assertEquals(status, e.getInt("code"));
        assertEquals(reason, e.getString("reason"), r.body());
        if (field != null) {
            assertEquals(field, e.getString("field"), r.body());
        }
        assertEquals(before, taskCount(), "nothing stored");
    }

    /** Google's envelope, with the parameter at fault as its location. */
    private void googleError(Http.Resp r, int status, String field) {
        assertEquals(status, r.status(), r.body());
        assertNull(Leaks.find(r.body()), r.body());
        JsonObject e = r.json().getJsonObject("error");
        assertEquals(status, e.getInt("code"));
        assertFalse(e.getJsonArray("errors").isEmpty());
        if (field != null) {
            assertEquals(field, e.getJsonArray("errors").getJsonObject(0).getString("location"), r.body());
        }
        assertEquals(before, taskCount(), "nothing stored");
    }

    @Test
    void deeplyNestedJsonIsA400() {
        for (int depth : new int[] {1_000, 10_000}) {
            String deep = "{\"payload\":\"aGk=\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            nativeError(postJson(NATIVE + "/tasks", deep), 400, "INVALID_REQUEST", null);
            String deepObj = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            nativeError(postJson(NATIVE + "/tasks:lease", deepObj), 400, "INVALID_REQUEST", null);
            googleError(
                    postJson(
                            V1 + "/tasks",
                            "{\"payloadBase64\":\"aGk=\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
                    400,
                    null);
        }
    }

    @Test
    void runtimeAndContainerErrorsLeakNothing() {
        nativeError(raw("GET " + NATIVE + "/tasks?pageToken=%%%%"), 400, "INVALID_REQUEST", "pageToken");
        nativeError(raw("GET " + NATIVE + "/tasks?pageSize=%zz"), 400, "INVALID_REQUEST", "pageSize");
        nativeError(Http.get(NATIVE + "/tasks?pageSize=abc"), 400, "INVALID_REQUEST", "pageSize");
        nativeError(Http.get(NATIVE + "/tasks?pageSize=99999999999"), 400, "INVALID_REQUEST", "pageSize");
        nativeError(Http.get("/api/v1/queues/%2e%2e/tasks"), 400, "INVALID_REQUEST", null);
        nativeError(Http.get("/api/v1/queues/a%2fb/tasks"), 400, "INVALID_REQUEST", null);
        nativeError(Http.get("/%2e"), 400, "INVALID_REQUEST", null);
        nativeError(Http.get("/WEB-INF/web.xml"), 404, "NOT_FOUND", null);
        nativeError(Http.get("/no/such/thing"), 404, "NOT_FOUND", null);
        // Not a media type at all: a malformed request (a well-formed type other than JSON is the cross-site rule's
        // 415, see CrossSiteIT).
        nativeError(
                post(NATIVE + "/tasks", "garbage/////", "{}".getBytes(StandardCharsets.UTF_8)),
                400,
                "INVALID_REQUEST",
                "Content-Type");
        googleError(Http.get(V1 + "/tasks/a%2fb"), 400, null);
        googleError(post(V1 + "/tasks", "garbage/////", "{}".getBytes(StandardCharsets.UTF_8)), 400, "Content-Type");
        googleError(Http.get(V1 + "/nothing-here"), 404, null);
    }

    @Test
    void aNulInThePathIsRefusedByTheWebContainerWithoutAStackFrame() {
        // Liberty refuses an undecodable path before any application code runs, with a fixed one-line page that
        // names its message id (documented in docs/api.md); it carries no class name and no stack frame.
        for (String path : new String[] {"/api/v1/queues/a%00b", "/api/v1/queues/a%0ab", "/api/v1/queues/a%zz"}) {
            Http.Resp r = raw("GET " + path);
            assertEquals(400, r.status());
            assertFalse(
                    r.body().contains("Exception")
                            || r.body().contains("\tat ")
                            || r.body().contains("io."),
                    r.body());
        }
    }

    @Test
    void theAppEngineDoorAnswersOtherMethodsWith405() {
        Http.Resp r = Http.send(
                HttpRequest.newBuilder(Http.uri("/rpc_http")).method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, r.status(), r.body());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertNull(Leaks.find(r.body()), r.body());
        assertEquals(405, Http.get("/rpc_http").status());
    }

    @Test
    void theNativeDoorReadsJsonStrictly() {
        String t = NATIVE + "/tasks";
        nativeError(
                postJson(t, "{\"payload\":\"aGk=\",\"name\":\"" + unique() + "\"}garbage"),
                400,
                "INVALID_REQUEST",
                null);
        nativeError(postJson(t, "{\"payload\":\"aGk=\"}{\"payload\":\"aGk=\"}"), 400, "INVALID_REQUEST", null);
        nativeError(postJson(t, "{\"payload\":\"aGk=\",\"payload\":\"aGVsbG8=\"}"), 400, "INVALID_REQUEST", "payload");
        nativeError(
                postJson(NATIVE + "/tasks:lease", "{\"maxTasks\":\"10\",\"leaseSeconds\":1}"),
                400,
                "INVALID_REQUEST",
                "maxTasks");
        nativeError(postJson(t, "{\"payload\":\"aGk=\",\"retryLimit\":\"3\"}"), 400, "INVALID_REQUEST", "retryLimit");
        byte[] badUtf8 = "{\"payload\":\"aGk=\",\"tag\":\"ab__\"}".getBytes(StandardCharsets.US_ASCII);
        badUtf8[badUtf8.length - 4] = (byte) 0xff;
        badUtf8[badUtf8.length - 3] = (byte) 0xfe;
        nativeError(post(t, "application/json", badUtf8), 400, "INVALID_REQUEST", "tag");
        nativeError(postJson(t, "{\"payload\":\"aGk=\",\"tag\":\"\\ud800\"}"), 400, "INVALID_REQUEST", "tag");
        nativeError(
                postJson(
                        NATIVE + "/tasks:batchAdd",
                        "{\"tasks\":[{\"payload\":\"aGk=\"},{\"payload\":\"aGk=\"," + "\"tag\":\"a\",\"tag\":\"b\"}]}"),
                400,
                "INVALID_REQUEST",
                "tasks[1].tag");
    }

    @Test
    void theV1beta2DoorIsAsLenientAsGooglesClientNeedsAndNoMore() {
        googleError(
                Http.send(
                        HttpRequest.newBuilder(Http.uri(V1 + "/tasks/lease?numTasks=1&numTasks=5000" + "&leaseSecs=1"))
                                .POST(HttpRequest.BodyPublishers.noBody())),
                400,
                "numTasks");
        // A leased task, patched with a payload that is not base64: refused, and the lease is unchanged.
        String id = unique();
        Http.Resp added = postJson(V1 + "/tasks", "{\"id\":\"" + id + "\",\"payloadBase64\":\"aGk=\"}");
        assertEquals(200, added.status(), added.body());
        before = taskCount();
        Http.Resp leased = Http.send(HttpRequest.newBuilder(Http.uri(V1 + "/tasks/lease?numTasks=1000&leaseSecs=60"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        String leaseTimestamp = leased.json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject())
                .filter(o -> o.getString("id").equals(id))
                .findFirst()
                .orElseThrow()
                .getString("leaseTimestamp");
        Http.Resp patch = Http.send(HttpRequest.newBuilder(Http.uri(V1 + "/tasks/" + id + "?newLeaseSeconds=5"))
                .header("Content-Type", "application/json")
                .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofString(
                                "{\"payloadBase64\":\"@@@\",\"leaseTimestamp\":\"" + leaseTimestamp + "\"}")));
        googleError(patch, 400, "payloadBase64");
        assertEquals(
                leaseTimestamp,
                Http.get(V1 + "/tasks/" + id).json().getString("leaseTimestamp"),
                "the refused patch changed nothing");
        // What Google's client does send is still accepted: 64-bit numbers as strings, output-only fields.
        Http.Resp ok = Http.send(HttpRequest.newBuilder(Http.uri(V1 + "/tasks/" + id + "?newLeaseSeconds=0"))
                .header("Content-Type", "application/json")
                .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofString(
                                "{\"kind\":\"taskqueues#task\",\"id\":\"" + id + "\",\"payloadBase64\":\"aGk=\","
                                        + "\"leaseTimestamp\":\"" + leaseTimestamp + "\",\"enqueueTimestamp\":\"1\","
                                        + "\"retry_count\":1}")));
        assertEquals(200, ok.status(), ok.body());
        assertTrue(Http.delete(V1 + "/tasks/" + id).status() < 300);
    }

    private static String unique() {
        return "hostile-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
