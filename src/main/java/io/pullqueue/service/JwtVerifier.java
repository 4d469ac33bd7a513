package io.pullqueue.service;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Bearer tokens from an OpenID Connect issuer: JWTs signed with RS256 by the key in a PEM file (MicroProfile JWT's
 * {@code mp.jwt.verify.publickey.location}), issued by {@code mp.jwt.verify.issuer}, not expired. The identity is
 * the {@code email} claim, else {@code upn}, else {@code sub}; the roles are the {@code groups} named admin,
 * producer or consumer. A verified token is remembered until it expires, so a worker's next call costs one map
 * lookup. The key file is re-read when it changes (the issuer rotated its key).
 */
final class JwtVerifier {
    private static final Logger LOG = Logger.getLogger(JwtVerifier.class.getName());
    private static final int MAX_REMEMBERED = 10_000;
    /** Clock skew allowed between the issuer and this server. */
    private static final long SKEW_SECONDS = 60;

    private final Path keyFile;
    private final String issuer;
    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();
    private volatile PublicKey key;
    private long seenModified = -1;
    private String lastError;

    private record Verified(Identity who, long expiresAt) { }

    JwtVerifier(Path keyFile, String issuer) {
        this.keyFile = keyFile;
        this.issuer = issuer;
    }

    /** Re-reads the key when the file changed; true when a new key was applied. */
    synchronized boolean reloadIfChanged() {
        try {
            long modified = Files.getLastModifiedTime(keyFile).toMillis();
            if (modified == seenModified) {
                return false;
            }
            seenModified = modified;
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            key = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            remembered.clear();
            lastError = null;
            LOG.info(() -> "JWT: accepting RS256 tokens of issuer " + issuer + " signed by the key in " + keyFile);
            return true;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            if (!e.toString().equals(lastError)) {
                LOG.severe("JWT public key " + keyFile + " cannot be used (tokens are refused until it can): " + e);
            }
            lastError = e.toString();
            key = null;
            remembered.clear();
            return false;
        }
    }

    Path keyFile() {
        return keyFile;
    }

    /** True for what looks like a JWT (three base64url parts), so that API keys are not parsed as tokens. */
    static boolean looksLikeJwt(String credential) {
        int first = credential.indexOf('.');
        return first > 0 && credential.indexOf('.', first + 1) > first + 1 && credential.startsWith("eyJ");
    }

    /** The token's identity, or empty when it is not valid now. */
    Optional<Identity> verify(String token, long nowSeconds) {
        Verified v = remembered.get(token);
        if (v != null) {
            return v.expiresAt > nowSeconds ? Optional.of(v.who) : Optional.empty();
        }
        PublicKey k = key;
        if (k == null) {
            return Optional.empty();
        }
        try {
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3) {
                return Optional.empty();
            }
            JsonObject header = json(parts[0]);
            if (!"RS256".equals(header.getString("alg", null))) {
                return Optional.empty();
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(k);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.empty();
            }
            JsonObject claims = json(parts[1]);
            long exp = claims.getJsonNumber("exp") == null ? 0 : claims.getJsonNumber("exp").longValue();
            long nbf = claims.getJsonNumber("nbf") == null ? 0 : claims.getJsonNumber("nbf").longValue();
            if (!issuer.equals(claims.getString("iss", null)) || exp + SKEW_SECONDS <= nowSeconds
                    || nbf - SKEW_SECONDS > nowSeconds) {
                return Optional.empty();
            }
            String email = claims.getString("email", claims.getString("upn", claims.getString("sub", null)));
            if (email == null) {
                return Optional.empty();
            }
            Identity who = new Identity(email, roles(claims.get("groups")));
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(token, new Verified(who, exp + SKEW_SECONDS));
            return Optional.of(who);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Set<Role> roles(JsonValue groups) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (groups != null && groups.getValueType() == JsonValue.ValueType.ARRAY) {
            for (JsonValue g : groups.asJsonArray()) {
                Role r = g instanceof JsonString s ? Role.parse(s.getString()) : null;
                if (r != null) {
                    roles.add(r);
                }
            }
        }
        return roles;
    }

    private static JsonObject json(String base64url) {
        try (var reader = Json.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }
}
