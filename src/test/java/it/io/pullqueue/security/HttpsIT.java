package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import it.io.pullqueue.security.AuthServer.Who;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/**
 * The authenticating server over HTTPS (its test configuration adds Liberty's transportSecurity with a certificate
 * Liberty generates, as docs/operations.md has an operator add theirs): responses over HTTPS carry HSTS and those
 * over HTTP do not (a browser must not be told to insist on HTTPS by a plain-HTTP answer, which anyone on the path
 * could forge anyway); the console's session cookie is Secure over HTTPS only.
 */
class HttpsIT {
    private static final String HSTS = "Strict-Transport-Security";

    private static String https(String path) {
        return "https://localhost:" + System.getProperty("pullqueue.it.auth.https.port", "9548") + path;
    }

    /** Trusts the server's self-signed test certificate whatever it names: this test checks headers, not PKI. */
    private static HttpClient tlsClient() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustEveryServer()}, null);
        return HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder withKey(String url, Who who) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + who.key);
    }

    private static HttpRequest.Builder signIn(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + Who.ADMIN.key + "\"}"));
    }

    @Test
    void httpsAnswersCarryHstsAndHttpAnswersDoNot() throws Exception {
        HttpClient tls = tlsClient();
        for (String path : List.of(
                "/api/v1/queues",
                "/console/",
                "/taskqueue/v1beta2/projects/s~pullqueue/taskqueues/" + AuthServer.OPEN)) {
            HttpResponse<String> secure =
                    send(tls, withKey(https(path), Who.ADMIN).GET());
            assertEquals(200, secure.statusCode(), path + ": " + secure.body());
            assertEquals(Optional.of("max-age=31536000"), secure.headers().firstValue(HSTS), path);
            Http.Resp plain = AuthServer.get(path, Who.ADMIN);
            assertEquals(200, plain.status(), path);
            assertEquals(Optional.empty(), plain.headers().firstValue(HSTS), path + " over http");
        }
        HttpResponse<String> refused = send(
                tls, HttpRequest.newBuilder(URI.create(https("/api/v1/queues"))).GET());
        assertEquals(401, refused.statusCode());
        assertTrue(refused.headers().firstValue(HSTS).isPresent(), "refusals over HTTPS carry it too");
    }

    @Test
    void theConsolesSessionCookieIsSecureOverHttpsOnly() throws Exception {
        HttpClient tls = tlsClient();
        HttpResponse<String> secure = send(tls, signIn(https("/console/session")));
        assertEquals(200, secure.statusCode(), secure.body());
        String cookie = secure.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("; Secure"), cookie);
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"), cookie);
        String session = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> who = send(
                tls,
                HttpRequest.newBuilder(URI.create(https("/console/session")))
                        .header("Cookie", session)
                        .GET());
        assertEquals(200, who.statusCode(), "the cookie signs the console in over HTTPS");

        Http.Resp plain = Http.send(signIn(AuthServer.base() + "/console/session"));
        assertEquals(200, plain.status(), plain.body());
        String plainCookie = plain.headers().firstValue("Set-Cookie").orElseThrow();
        assertFalse(plainCookie.contains("Secure"), "over HTTP a Secure cookie would never come back: " + plainCookie);
    }

    /** Accepts any server certificate and host name (test only). */
    private static final class TrustEveryServer extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // the test's own server, with the certificate Liberty generated for it
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // as above
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // as above
        }
    }
}
