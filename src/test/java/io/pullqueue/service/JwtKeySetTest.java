package io.pullqueue.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key sets (JWKS) as OpenID Connect issuers publish them: from a file, and from an http(s) URL served here by the
 * JDK's HTTP server on loopback, with its refresh interval and the early refetch an unknown {@code kid} asks for.
 */
class JwtKeySetTest {
    private static final String ISSUER = "https://issuer.example";
    private static final long NOW = 1_800_000_000L;
    private static final String CLAIMS = "{\"iss\":\"" + ISSUER + "\",\"exp\":" + (NOW + 60)
            + ",\"email\":\"w@example.com\",\"groups\":[\"consumer\"]}";
    private static KeyPair a;
    private static KeyPair b;

    @TempDir
    Path dir;

    private HttpServer server;

    @BeforeAll
    static void keys() throws Exception {
        a = JwtVerifierTest.keyPair();
        b = JwtVerifierTest.keyPair();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static String jwk(KeyPair p, String kid, String extra) {
        RSAPublicKey k = (RSAPublicKey) p.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\"" + extra + ",\"n\":\""
                + b64.encodeToString(unsigned(k.getModulus().toByteArray())) + "\",\"e\":\""
                + b64.encodeToString(unsigned(k.getPublicExponent().toByteArray())) + "\"}";
    }

    private static byte[] unsigned(byte[] twosComplement) {
        return twosComplement[0] == 0
                ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length)
                : twosComplement;
    }

    static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static String token(PrivateKey key, String kid) throws Exception {
        return JwtVerifierTest.token(key, kid, "RS256", CLAIMS);
    }

    @Test
    void aKeySetFileChecksEachTokenWithTheKeyItNames() throws Exception {
        Path file = Files.writeString(
                dir.resolve("jwks.json"),
                jwks(
                        jwk(a, "a", ",\"use\":\"sig\",\"alg\":\"RS256\""),
                        jwk(b, "b", ""),
                        jwk(JwtVerifierTest.keyPair(), "enc", ",\"use\":\"enc\""),
                        "{\"kty\":\"EC\",\"kid\":\"ec\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}"));
        JwtVerifier v = new JwtVerifier(file.toString(), ISSUER, 300);
        assertTrue(v.reloadIfChanged(0));
        assertEquals(
                java.util.Set.of("a", "b"),
                JwtKeySet.parse(Files.readString(file)).byKid().keySet(),
                "encryption and EC keys are passed over");
        assertEquals(
                "w@example.com",
                v.verify(token(a.getPrivate(), "a"), NOW).orElseThrow().email());
        assertTrue(v.verify(token(b.getPrivate(), "b"), NOW).isPresent());
        assertFalse(v.verify(token(a.getPrivate(), "b"), NOW).isPresent(), "signed by another key than it names");
        assertFalse(v.verify(token(a.getPrivate(), "c"), NOW).isPresent(), "a kid the set does not hold");
        assertFalse(v.verify(token(a.getPrivate(), "enc"), NOW).isPresent(), "an encryption key signs nothing");
        assertTrue(
                v.verify(JwtVerifierTest.token(b.getPrivate(), "RS256", CLAIMS), NOW)
                        .isPresent(),
                "a token naming no kid is checked with each key");
        assertFalse(v.reloadIfChanged(1000), "unchanged file, nothing re-read");
        assertTrue(new JwtVerifier(file.toUri().toString(), ISSUER, 300).reloadIfChanged(0), "a file: URL");
        JwtVerifier unusable = new JwtVerifier("https://bad host/jwks", ISSUER, 300);
        assertFalse(unusable.reloadIfChanged(0), "not a URL: said once at start, every token refused");
        assertFalse(unusable.verify(token(a.getPrivate(), "a"), NOW).isPresent());
    }

    @Test
    void aSingleJwkIsAKeySetOfOneAndASetWithoutRsaSigningKeysIsRefused() throws Exception {
        assertEquals(1, JwtKeySet.parse(jwk(a, "a", "")).all().size());
        GeneralSecurityException e = assertThrows(
                GeneralSecurityException.class, () -> JwtKeySet.parse(jwks(jwk(a, "a", ",\"alg\":\"RS512\""))));
        assertTrue(e.getMessage().contains("no RSA signing key"), e.getMessage());
        assertThrows(GeneralSecurityException.class, () -> JwtKeySet.parse("{\"keys\":[{\"kty\":\"RSA\"}]}"));
    }

    @Test
    void aKeySetUrlIsFetchedEveryRefreshIntervalAndEarlierForAnUnknownKid() throws Exception {
        AtomicReference<String> published = new AtomicReference<>(jwks(jwk(a, "a", "")));
        AtomicInteger status = new AtomicInteger(200);
        AtomicInteger fetches = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
        JwtVerifier v = new JwtVerifier(url, ISSUER, 300);
        assertTrue(v.reloadIfChanged(0));
        String byA = token(a.getPrivate(), "a");
        String byB = token(b.getPrivate(), "b");
        assertTrue(v.verify(byA, NOW).isPresent());
        assertFalse(v.reloadIfChanged(5_000), "not due");
        assertEquals(1, fetches.get(), "the key set is cached between refreshes");

        published.set(jwks(jwk(a, "a", ""), jwk(b, "b", ""))); // the issuer rotates in key b
        assertFalse(v.verify(byB, NOW).isPresent(), "unknown kid: refused (401) until the set is fetched again");
        assertFalse(v.reloadIfChanged(9_999), "an unknown kid refetches, but not sooner than 10 s after the last");
        assertEquals(1, fetches.get());
        assertTrue(v.reloadIfChanged(10_000), "an unknown kid fetched the set early");
        assertTrue(v.verify(byB, NOW).isPresent());
        assertFalse(v.reloadIfChanged(20_000), "no unknown kid since: wait for the refresh interval");
        assertEquals(2, fetches.get());

        status.set(503);
        published.set("unavailable");
        assertFalse(v.reloadIfChanged(310_000), "a failed fetch");
        assertEquals(3, fetches.get());
        assertTrue(v.verify(byA, NOW).isPresent(), "a failed fetch keeps the keys in force");
        assertTrue(v.verify(byB, NOW).isPresent());

        status.set(200);
        published.set(jwks(jwk(b, "b", ""))); // key a is retired
        assertFalse(v.reloadIfChanged(315_000), "after a failure, the next try waits 10 s");
        assertTrue(v.reloadIfChanged(320_000));
        assertFalse(v.verify(byA, NOW).isPresent(), "a remembered token of a retired key is forgotten");
        assertTrue(v.verify(byB, NOW).isPresent());
    }
}
