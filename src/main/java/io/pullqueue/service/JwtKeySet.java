package io.pullqueue.service;

import jakarta.json.Json;
import jakarta.json.JsonObject;
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
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The issuer's keys that {@link JwtVerifier} checks tokens with, from {@code mp.jwt.verify.publickey.location} as
 * MicroProfile JWT reads it: a file path or an http(s) URL, holding a PEM public key, one JWK or a JWK set (an
 * OpenID Connect provider's {@code jwks_uri}). A file is re-read when it changes; a URL is fetched again every
 * refresh interval, and after a token named an unknown {@code kid} at most every
 * {@link #UNKNOWN_KID_REFETCH_MILLIS}; a failed fetch keeps the keys in force, an unusable file refuses every token.
 */
final class JwtKeySet {
    private static final Logger LOG = Logger.getLogger(JwtKeySet.class.getName());
    /** The soonest a key set URL is fetched again after a token named a key it does not hold, or after a failure. */
    static final long UNKNOWN_KID_REFETCH_MILLIS = 10_000;

    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_KEY_SET_BYTES = 1 << 20;

    private final String location;
    private final URI url;
    private final Path keyFile;
    private final String issuer;
    private final long refreshMillis;
    private volatile Keys keys = Keys.EMPTY;
    private volatile boolean unknownKidSeen;
    private long seenModified = -1;
    private long lastFetchMillis = Long.MIN_VALUE / 2;
    private long nextFetchMillis = Long.MIN_VALUE;
    private String lastError;
    private HttpClient http;

    /** The keys in force: by {@code kid}, and all of them (for tokens that name none). */
    record Keys(Map<String, PublicKey> byKid, List<PublicKey> all) {
        static final Keys EMPTY = new Keys(Map.of(), List.of());
    }

    /**
     * @param location a file path, {@code file:} URL or http(s) URL of a PEM key, a JWK or a JWK set
     * @param issuer the issuer whose keys these are (for the log)
     * @param refreshSeconds how often a URL is fetched again
     */
    JwtKeySet(String location, String issuer, long refreshSeconds) {
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

    /** The keys in force. */
    Keys current() {
        return keys;
    }

    /** Notes that a token named a key the set does not hold: the issuer may have rotated, so fetch again soon. */
    void unknownKid() {
        unknownKidSeen = true;
    }

    String location() {
        return location;
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
            Keys fresh = parse(text);
            lastError = null;
            if (fresh.equals(keys)) {
                return false;
            }
            keys = fresh;
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
                keys = Keys.EMPTY;
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
    static Keys parse(String text) throws GeneralSecurityException {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            String base64 = trimmed.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PublicKey k = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return new Keys(Map.of(), List.of(k));
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
        return new Keys(Map.copyOf(byKid), List.copyOf(all));
    }
}
