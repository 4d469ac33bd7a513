package io.pullqueue.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
    private static final String ISSUER = "https://issuer.example";
    private static final long NOW = 1_800_000_000L;

    @TempDir
    Path dir;

    private KeyPair pair;
    private JwtVerifier verifier;

    @BeforeEach
    void keys() throws Exception {
        pair = keyPair();
        verifier = new JwtVerifier(writePublic(pair).toString(), ISSUER, 300);
        assertTrue(verifier.reloadIfChanged(0));
    }

    static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private Path writePublic(KeyPair p) throws Exception {
        return Files.writeString(
                dir.resolve("issuer.pem"),
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(p.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
    }

    /** A token as an OpenID Connect issuer makes it: RS256 over base64url header and claims. */
    static String token(PrivateKey key, String alg, String claims) throws Exception {
        return signed(key, "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", claims);
    }

    /** A token whose header names the signing key ({@code kid}), as issuers that publish a key set make them. */
    static String token(PrivateKey key, String kid, String alg, String claims) throws Exception {
        return signed(key, "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}", claims);
    }

    private static String signed(PrivateKey key, String header, String claims) throws Exception {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String signed = b.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b.encodeToString(rsa.sign());
    }

    private Optional<Identity> verify(String claims) throws Exception {
        return verifier.verify(token(pair.getPrivate(), "RS256", claims), NOW);
    }

    @Test
    void theIdentityIsTheEmailElseUpnElseSubAndTheRolesAreTheKnownGroups() throws Exception {
        assertEquals(
                new Identity("w@example.com", Set.of(Role.CONSUMER, Role.PRODUCER)),
                verify("{\"iss\":\"" + ISSUER
                                + "\",\"exp\":" + (NOW + 60)
                                + ",\"email\":\"w@example.com\",\"upn\":\"u\",\"sub\":\"s\","
                                + "\"groups\":[\"consumer\",\"producer\",\"staff\"]}")
                        .orElseThrow());
        assertEquals(
                "u",
                verify("{\"iss\":\"" + ISSUER + "\",\"exp\":" + (NOW + 60) + ",\"upn\":\"u\",\"sub\":\"s\"}")
                        .orElseThrow()
                        .email());
        Identity sub = verify("{\"iss\":\"" + ISSUER + "\",\"exp\":" + (NOW + 60) + ",\"sub\":\"s\"}")
                .orElseThrow();
        assertEquals("s", sub.email());
        assertEquals(Set.of(), sub.roles(), "no groups, no roles");
    }

    @Test
    void expiredForeignUnsignedOrForgedTokensAreRefused() throws Exception {
        String good = "{\"iss\":\"" + ISSUER + "\",\"exp\":" + (NOW + 60) + ",\"sub\":\"s\"}";
        assertFalse(
                verify("{\"iss\":\"" + ISSUER + "\",\"exp\":" + (NOW - 61) + ",\"sub\":\"s\"}")
                        .isPresent(),
                "expired");
        assertFalse(verify("{\"iss\":\"" + ISSUER + "\",\"sub\":\"s\"}").isPresent(), "no expiry");
        assertFalse(verify("{\"iss\":\"https://other.example\",\"exp\":" + (NOW + 60) + ",\"sub\":\"s\"}")
                .isPresent());
        assertFalse(
                verifier.verify(token(keyPair().getPrivate(), "RS256", good), NOW)
                        .isPresent(),
                "another key");
        assertFalse(verifier.verify(token(pair.getPrivate(), "none", good), NOW).isPresent(), "alg none");
        String t = token(pair.getPrivate(), "RS256", good);
        String tampered = t.substring(0, t.indexOf('.') + 1)
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(good.replace("\"s\"", "\"admin\"").getBytes(StandardCharsets.UTF_8))
                + t.substring(t.lastIndexOf('.'));
        assertFalse(verifier.verify(tampered, NOW).isPresent(), "claims changed after signing");
    }

    @Test
    void aRememberedTokenStillExpiresAndARotatedKeyForgetsTheOldOnes() throws Exception {
        String t = token(
                pair.getPrivate(), "RS256", "{\"iss\":\"" + ISSUER + "\",\"exp\":" + (NOW + 60) + ",\"sub\":\"s\"}");
        assertTrue(verifier.verify(t, NOW).isPresent());
        assertTrue(verifier.verify(t, NOW + 100).isPresent(), "within the allowed clock skew");
        assertFalse(verifier.verify(t, NOW + 121).isPresent(), "remembered, but expired");
        KeyPair rotated = keyPair();
        Path f = writePublic(rotated);
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertTrue(verifier.reloadIfChanged(0));
        assertFalse(verifier.verify(t, NOW).isPresent(), "signed by the old key");
    }

    @Test
    void onlyJwtShapedCredentialsAreParsedAsTokens() {
        assertTrue(JwtVerifier.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIn0.c2ln"));
        assertFalse(JwtVerifier.looksLikeJwt("admin-key-0000000001"));
        assertFalse(JwtVerifier.looksLikeJwt("a.b.c"));
    }
}
