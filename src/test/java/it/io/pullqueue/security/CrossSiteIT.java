package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import it.io.pullqueue.security.AuthServer.Who;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another web site cannot drive the server through a visitor's browser, also in the loopback default where no
 * credential is needed (these run against the IT server, which is in that mode); and the console's pages tell
 * browsers not to frame, sniff or leak them.
 */
class CrossSiteIT {
    private static final String Q = "/api/v1/queues/" + AuthServer.OPEN;

    @BeforeEach
    void oneTask() {
        Http.post(Q + ":purge", "");
        assertEquals(201, Http.post(Q + "/tasks", "{\"payload\":\"aGk=\"}").status());
    }

    private static long tasks() {
        return Http.get(Q).json().getJsonObject("stats").getJsonNumber("tasks").longValue();
    }

    @Test
    void theCrossSitePurgeOfTheIssueIsRefused() {
        // The issue's: curl -XPOST localhost:9080/api/v1/queues/reports:purge -H 'Origin: http://evil.example'
        //                   -H 'Content-Type: text/plain'
        Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri(Q + ":purge"))
                .header("Origin", "http://evil.example")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(403, r.status(), r.body());
        assertEquals("CROSS_SITE", r.reason());
        assertEquals(1, tasks(), "nothing was purged");
    }

    @Test
    void aBrowserSayingCrossSiteIsRefusedOnEveryDoor() {
        for (String path : new String[] {
            Q + ":pause",
            "/taskqueue/v1beta2/projects/s~pullqueue/taskqueues/" + AuthServer.OPEN + "/tasks",
            "/remote_api",
            "/rpc_http"
        }) {
            Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri(path))
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(403, r.status(), path + " " + r.body());
        }
        assertEquals(false, Http.get(Q).json().getBoolean("paused"));
        assertEquals(1, tasks());
    }

    @Test
    void nativeWritesMustBeJsonSoThatAPlainFormCannotSendThem() {
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri(Q + "/tasks"))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"payload\":\"aGk=\"}")));
            assertEquals(415, r.status(), type);
            assertEquals("UNSUPPORTED_MEDIA_TYPE", r.reason());
        }
        assertEquals(1, tasks(), "nothing was added");
        // The same origin and a body-less POST (curl -XPOST .../q:pause) stay as they were.
        Http.Resp same = Http.send(HttpRequest.newBuilder(Http.uri(Q + "/tasks"))
                .header("Origin", Http.base())
                .header("Sec-Fetch-Site", "same-origin")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"payload\":\"aGk=\"}")));
        assertEquals(201, same.status(), same.body());
        assertEquals(
                200,
                Http.send(HttpRequest.newBuilder(Http.uri(Q + ":resume")).POST(HttpRequest.BodyPublishers.noBody()))
                        .status());
    }

    @Test
    void followingALinkToTheConsoleFromAnotherSiteStillWorks() {
        Http.Resp r = Http.send(HttpRequest.newBuilder(Http.uri("/console/"))
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "navigate")
                .GET());
        assertEquals(200, r.status());
    }

    @Test
    void consolePagesForbidFramingSniffingAndReferrers() {
        for (String path : new String[] {"/", "/console/", "/console/console.js"}) {
            Http.Resp r = Http.get(path);
            assertEquals(200, r.status(), path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), path);
            assertEquals(
                    "nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals(
                    "no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), path);
        }
    }

    @Test
    void anOriginOnTheAllowListMayCallWithItsKey() {
        // The authenticating server allows http://allowed.example (pullqueue.cors.origins).
        Http.Resp preflight = Http.send(HttpRequest.newBuilder(AuthServer.uri("/api/v1/queues"))
                .header("Origin", AuthServer.ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, preflight.status());
        assertEquals(
                AuthServer.ALLOWED_ORIGIN,
                preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        Http.Resp call = Http.send(AuthServer.request("/api/v1/queues", Who.ADMIN)
                .header("Origin", AuthServer.ALLOWED_ORIGIN)
                .GET());
        assertEquals(200, call.status());
        assertEquals(
                AuthServer.ALLOWED_ORIGIN,
                call.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        Http.Resp other = Http.send(AuthServer.request("/api/v1/queues", Who.ADMIN)
                .header("Origin", "http://evil.example")
                .GET());
        assertEquals(403, other.status(), "a valid key does not make another site's page welcome");
    }
}
