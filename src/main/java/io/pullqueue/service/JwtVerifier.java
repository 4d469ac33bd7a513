package io.pullqueue.service;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens from an OpenID Connect issuer: JWTs signed with RS256, issued by {@code mp.jwt.verify.issuer}, not
 * expired, signed by one of the issuer's keys ({@link JwtKeySet}). A token naming a {@code kid} is checked with that key only (an unknown one is refused, and asks
 * for an early refetch of a URL); a token without one with each key of the set. The identity is the {@code email}
 * claim, else {@code upn}, else {@code sub}; the roles are the {@code groups} named admin, producer or consumer. A
 * verified token is remembered until it expires or the keys change, so a worker's next call costs one map lookup.
 */
final class JwtVerifier {
    private static final int MAX_REMEMBERED = 10_000;
    /** Clock skew allowed between the issuer and this server. */
    private static final long SKEW_SECONDS = 60;

    private final JwtKeySet keys;
    private final String issuer;
    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();

    private record Verified(Identity who, long expiresAt) {}

    /**
     * @param location a file path, {@code file:} URL or http(s) URL of a PEM key, a JWK or a JWK set
     * @param refreshSeconds how often a URL is fetched again
     */
    JwtVerifier(String location, String issuer, long refreshSeconds) {
        this.keys = new JwtKeySet(location, issuer, refreshSeconds);
        this.issuer = issuer;
    }

    /**
     * Re-reads the keys when the file changed, or fetches the URL when due ({@code nowMillis} on any steady clock);
     * true when a different key set was applied. Tokens verified with other keys are forgotten.
     */
    synchronized boolean reloadIfChanged(long nowMillis) {
        JwtKeySet.Keys before = keys.current();
        boolean changed = keys.reloadIfChanged(nowMillis);
        if (keys.current() != before) {
            remembered.clear();
        }
        return changed;
    }

    String location() {
        return keys.location();
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
        JwtKeySet.Keys set = keys.current();
        if (set.all().isEmpty()) {
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
            String kid = header.containsKey("kid") ? header.getString("kid") : null;
            List<PublicKey> candidates = set.all();
            if (kid != null) {
                PublicKey k = set.byKid().get(kid);
                if (k == null) {
                    keys.unknownKid();
                    return Optional.empty();
                }
                candidates = List.of(k);
            }
            byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            if (!signedByOneOf(candidates, signed, signature)) {
                return Optional.empty();
            }
            JsonObject claims = json(parts[1]);
            long exp = claims.getJsonNumber("exp") == null
                    ? 0
                    : claims.getJsonNumber("exp").longValue();
            long nbf = claims.getJsonNumber("nbf") == null
                    ? 0
                    : claims.getJsonNumber("nbf").longValue();
            if (!issuer.equals(claims.getString("iss", null))
                    || exp + SKEW_SECONDS <= nowSeconds
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

    private static boolean signedByOneOf(List<PublicKey> candidates, byte[] signed, byte[] signature)
            throws GeneralSecurityException {
        for (PublicKey k : candidates) {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(k);
            rsa.update(signed);
            if (rsa.verify(signature)) {
                return true;
            }
        }
        return false;
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
        try (var reader = Json.createReader(
                new StringReader(new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }
}
