package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import it.io.pullqueue.Http;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer JWTs of an OpenID Connect issuer, on the authenticating server (issuer https://issuer.pullqueue.test, key
 * file pullqueue.it.jwt.key). The test is the issuer: it makes a key pair, publishes the public key where the
 * server reads it (the server picks up a changed key file by itself), and signs tokens.
 */
class JwtIT {
    private static final String ISSUER = "https://issuer.pullqueue.test";
    private static KeyPair issuer;

    @BeforeAll
    static void publishKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        issuer = g.generateKeyPair();
        Path file = Path.of(System.getProperty("pullqueue.it.jwt.key"));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(
                tmp,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(issuer.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String probe = token("{\"email\":\"probe@example.com\",\"groups\":[\"consumer\"]}", 300);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (call("/api/v1/queues", probe).status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not take up the new issuer key within 30 s");
            }
            Thread.onSpinWait();
        }
    }

    static String token(String claims, long validSeconds) throws Exception {
        long now = Instant.now().getEpochSecond();
        String body = claims.substring(0, claims.length() - 1) + ",\"iss\":\"" + ISSUER + "\",\"iat\":" + now
                + ",\"exp\":" + (now + validSeconds) + "}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signed = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(body.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(issuer.getPrivate());
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64.encodeToString(rsa.sign());
    }

    private static Http.Resp call(String path, String token) {
        return Http.send(HttpRequest.newBuilder(AuthServer.uri(path))
                .header("Authorization", "Bearer " + token)
                .GET());
    }

    @Test
    void theTokensEmailAndGroupsDecideWhatItMayDo() throws Exception {
        String listed = token("{\"email\":\"listed@example.com\",\"sub\":\"1234\",\"groups\":[\"consumer\"]}", 300);
        assertEquals(
                200,
                call("/api/v1/queues/" + AuthServer.ACL + "/tasks", listed).status(),
                "the email claim is the identity the queue's acl names");
        String bySub = token("{\"sub\":\"listed@example.com\",\"groups\":[\"consumer\"]}", 300);
        assertEquals(
                200, call("/api/v1/queues/" + AuthServer.ACL + "/tasks", bySub).status(), "sub when no email");
        String other = token("{\"upn\":\"someone@example.com\",\"groups\":[\"consumer\"]}", 300);
        Http.Resp denied = call("/api/v1/queues/" + AuthServer.ACL + "/tasks", other);
        assertEquals(403, denied.status());
        assertEquals("PERMISSION_DENIED", denied.reason());
        String noRoles = token("{\"email\":\"listed@example.com\",\"groups\":[\"staff\"]}", 300);
        assertEquals(
                403,
                call("/api/v1/queues/" + AuthServer.OPEN + "/tasks", noRoles).status());
        String admin = token("{\"email\":\"ops@example.com\",\"groups\":[\"admin\"]}", 300);
        assertFalse(call("/api/v1/queues", admin).json().getJsonArray("queues").isEmpty());
    }

    @Test
    void expiredOrForeignTokensAreUnauthenticated() throws Exception {
        Http.Resp expired =
                call("/api/v1/queues", token("{\"email\":\"listed@example.com\",\"groups\":[\"admin\"]}", -120));
        assertEquals(401, expired.status());
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair mine = issuer;
        issuer = g.generateKeyPair();
        try {
            assertEquals(
                    401,
                    call("/api/v1/queues", token("{\"email\":\"x@example.com\",\"groups\":[\"admin\"]}", 300))
                            .status(),
                    "signed by a key the server does not trust");
        } finally {
            issuer = mine;
        }
    }
}
