package io.pullqueue.service;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Bearer tokens from an OpenID Connect issuer: JWTs signed with RS256, issued by {@code mp.jwt.verify.issuer}, not
 * expired. The issuer's keys come from {@code mp.jwt.verify.publickey.location} as MicroProfile JWT reads it: a file
 * path or an http(s) URL, holding a PEM public key, one JWK or a JWK set (an OpenID Connect provider's
 * {@code jwks_uri}). A token naming a {@code kid} is checked with that key only (an unknown one is refused, and asks
 * for an early refetch of a URL); a token without one with each key of the set. The identity is the {@code email}
 * claim, else {@code upn}, else {@code sub}; the roles are the {@code groups} named admin, producer or consumer. A
 * verified token is remembered until it expires, so a worker's next call costs one map lookup. A file is re-read
 * when it changes; a URL is fetched again every refresh interval, and after an unknown {@code kid} at most every
 * {@link #UNKNOWN_KID_REFETCH_MILLIS}; a failed fetch keeps the keys in force.
 */
final class JwtVerifier {
    private static final Logger LOG = Logger.getLogger(JwtVerifier.class.getName());
    private static final int MAX_REMEMBERED = 10_000;
    /** Clock skew allowed between the issuer and this server. */
    private static final long SKEW_SECONDS = 60;
    /** The soonest a key set URL is fetched again after a token named a key it does not hold, or after a failure. */
    static final long UNKNOWN_KID_REFETCH_MILLIS = 10_000;

    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_KEY_SET_BYTES = 1 << 20;

    private final String location;
    private final URI url;
    private final Path keyFile;
    private final String issuer;
    private final long refreshMillis;
    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();
    private volatile KeySet keys = KeySet.EMPTY;
    private volatile boolean unknownKidSeen;
    private long seenModified = -1;
    private long lastFetchMillis = Long.MIN_VALUE / 2;
    private long nextFetchMillis = Long.MIN_VALUE;
    private String lastError;
    private HttpClient http;

    private record Verified(Identity who, long expiresAt) {}

    /** The keys in force: by {@code kid}, and all of them (for tokens that name none). */
    record KeySet(Map<String, PublicKey> byKid, List<PublicKey> all) {
        static final KeySet EMPTY = new KeySet(Map.of(), List.of());
    }

    /**
     * @param location a file path, {@code file:} URL or http(s) URL of a PEM key, a JWK or a JWK set
     * @param refreshSeconds how often a URL is fetched again
     */
    JwtVerifier(String location, String issuer, long refreshSeconds) {
        this.location = location.trim();
        String lower = this.location.toLowerCase(Locale.ROOT);
        URI u = null;
        Path f = null;
        try {
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                u = URI.create(this.location);
            } else {
                f = (lower.startsWith("file:") ? Path.of(URI.create(this.location)) : Path.of(this.location))
                        .toAbsolutePath();
            }
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            LOG.severe("JWT key location " + this.location + " is neither a file path nor an http(s) URL "
                    + "(tokens are refused): " + e.getMessage());
        }
        url = u;
        keyFile = f;
        this.issuer = issuer;
        this.refreshMillis = Math.max(1, refreshSeconds) * 1000;
    }

    /**
     * Re-reads the keys when the file changed, or fetches the URL when due ({@code nowMillis} on any steady clock);
     * true when a different key set was applied.
     */
    synchronized boolean reloadIfChanged(long nowMillis) {
        if (url == null && keyFile == null) {
            return false; // an unusable location, said at start
        }
        String text;
        try {
            if (url == null) {
                long modified = Files.getLastModifiedTime(keyFile).toMillis();
                if (modified == seenModified) {
                    return false;
                }
                seenModified = modified;
                text = Files.readString(keyFile, StandardCharsets.UTF_8);
            } else {
                boolean early = unknownKidSeen && nowMillis - lastFetchMillis >= UNKNOWN_KID_REFETCH_MILLIS;
                if (nowMillis < nextFetchMillis && !early) {
                    return false;
                }
                lastFetchMillis = nowMillis;
                nextFetchMillis = nowMillis + refreshMillis;
                unknownKidSeen = false;
                text = fetch();
            }
            KeySet fresh = parse(text);
            lastError = null;
            if (fresh.equals(keys)) {
                return false;
            }
            keys = fresh;
            remembered.clear();
            LOG.info(() -> "JWT: accepting RS256 tokens of issuer " + issuer + " signed by "
                    + fresh.all().size()
                    + " key(s) from " + location
                    + (fresh.byKid().isEmpty() ? "" : " (kid " + fresh.byKid().keySet() + ")"));
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String error = e.toString();
            if (url != null) { // a failed fetch keeps the keys in force, and is tried again soon
                nextFetchMillis = nowMillis + Math.min(refreshMillis, UNKNOWN_KID_REFETCH_MILLIS);
                if (!error.equals(lastError)) {
                    LOG.severe("JWT key set " + location + " cannot be fetched (the "
                            + keys.all().size() + " key(s) in force stay): " + error);
                }
            } else {
                if (!error.equals(lastError)) {
                    LOG.severe("JWT public key " + location + " cannot be used (tokens are refused until it can): "
                            + error);
                }
                keys = KeySet.EMPTY;
                remembered.clear();
            }
            lastError = error;
            return false;
        }
    }

    private String fetch() throws IOException {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(FETCH_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(FETCH_TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json")
                .GET()
                .build();
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode());
            }
            if (r.body().length > MAX_KEY_SET_BYTES) {
                throw new IOException("larger than " + MAX_KEY_SET_BYTES + " bytes");
            }
            return new String(r.body(), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** The keys of a PEM public key, a JWK or a JWK set; RSA signing keys only (others are passed over). */
    static KeySet parse(String text) throws GeneralSecurityException {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            String base64 = trimmed.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PublicKey k = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return new KeySet(Map.of(), List.of(k));
        }
        JsonObject json;
        try (var reader = Json.createReader(new StringReader(trimmed))) {
            json = reader.readObject();
        }
        List<JsonObject> jwks = new ArrayList<>();
        if (json.containsKey("keys")) {
            for (JsonValue v : json.getJsonArray("keys")) {
                jwks.add(v.asJsonObject());
            }
        } else {
            jwks.add(json);
        }
        Map<String, PublicKey> byKid = new LinkedHashMap<>();
        List<PublicKey> all = new ArrayList<>();
        for (JsonObject jwk : jwks) {
            if (!"RSA".equals(jwk.getString("kty", null))
                    || !"sig".equals(jwk.getString("use", "sig"))
                    || !"RS256".equals(jwk.getString("alg", "RS256"))) {
                continue;
            }
            if (!jwk.containsKey("n") || !jwk.containsKey("e")) {
                throw new GeneralSecurityException("an RSA key without n or e in the key set");
            }
            Base64.Decoder b64 = Base64.getUrlDecoder();
            PublicKey k = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(
                            new BigInteger(1, b64.decode(jwk.getString("n"))),
                            new BigInteger(1, b64.decode(jwk.getString("e")))));
            all.add(k);
            String kid = jwk.getString("kid", null);
            if (kid != null) {
                byKid.put(kid, k);
            }
        }
        if (all.isEmpty()) {
            throw new GeneralSecurityException("no RSA signing key (kty RSA, use sig, alg RS256) in the key set");
        }
        return new KeySet(Map.copyOf(byKid), List.copyOf(all));
    }

    String location() {
        return location;
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
        KeySet set = keys;
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
                    unknownKidSeen = true; // the issuer may have rotated: fetch its key set again soon
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
