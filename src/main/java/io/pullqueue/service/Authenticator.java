package io.pullqueue.service;

import io.pullqueue.config.ApiKeyFile;
import io.pullqueue.core.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who needs a credential, and whose a credential is. The mode ({@code pullqueue.auth.mode}):
 * <ul>
 * <li>{@code auto} (default): a server bound to loopback ({@code http.host} localhost, 127.x or ::1) with no
 * credentials configured lets local callers in as they are; any other server asks every caller for one;</li>
 * <li>{@code required}: every caller needs a credential, also on loopback;</li>
 * <li>{@code none}: nobody needs one (logged loudly at start, and shown on /health).</li>
 * </ul>
 * Credentials are API keys from {@code pullqueue.api.keys.file}, re-read when the file changes, and JWTs of the
 * issuer {@code mp.jwt.verify.issuer} signed by a key of {@code mp.jwt.verify.publickey.location} (a PEM file, or a
 * JWK set in a file or at an http(s) URL, fetched again every {@code pullqueue.jwt.keys.refresh.seconds}).
 */
@ApplicationScoped
public class Authenticator {
    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());

    /** How a server treats callers without a credential. */
    public enum Mode {
        /** Bound to loopback with no credentials configured: local callers need none. */
        LOOPBACK,
        /** Every caller needs a credential. */
        REQUIRED,
        /** Nobody needs one: the operator opted out. */
        NONE
    }

    @Inject
    @ConfigProperty(name = "pullqueue.auth.mode")
    String configuredMode;

    @Inject
    @ConfigProperty(name = "http.host", defaultValue = "localhost")
    String host;

    @Inject
    @ConfigProperty(name = "pullqueue.api.keys.file")
    Optional<String> keysFile;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> jwtKeyFile;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> jwtIssuer;

    @Inject
    @ConfigProperty(name = "pullqueue.jwt.keys.refresh.seconds")
    long jwtRefreshSeconds;

    @Inject
    @ConfigProperty(name = "pullqueue.config.poll.seconds")
    int pollSeconds;

    private volatile Mode mode = Mode.REQUIRED;
    private ApiKeyFile keys;
    private JwtVerifier jwt;

    void start(@Observes Startup event) {
        keys = keysFile.filter(f -> !f.isBlank())
                .map(f -> new ApiKeyFile(Path.of(f).toAbsolutePath()))
                .orElse(null);
        if (keys != null) {
            keys.reloadIfChanged();
        }
        jwt = jwtKeyFile
                .filter(f -> !f.isBlank())
                .map(f -> {
                    if (jwtIssuer.isEmpty() || jwtIssuer.get().isBlank()) {
                        LOG.severe(
                                "mp.jwt.verify.publickey.location is set but mp.jwt.verify.issuer is not: JWTs are refused");
                    }
                    return new JwtVerifier(f, jwtIssuer.orElse("").trim(), jwtRefreshSeconds);
                })
                .orElse(null);
        if (jwt != null) {
            jwt.reloadIfChanged(steadyMillis());
        }
        mode = resolve(configuredMode, host, keys != null || jwt != null);
        switch (mode) {
            case NONE:
                LOG.warning("AUTHENTICATION IS OFF (pullqueue.auth.mode=none): every caller that can reach "
                        + "http.host " + host + " may add, lease, delete, purge, pause and resume on every queue");
                break;
            case LOOPBACK:
                LOG.info(() -> "Authentication: callers on this machine need no credential (bound to " + host
                        + ", no API keys configured); set pullqueue.auth.mode=required to ask them too");
                break;
            default:
                LOG.info(() -> "Authentication required: "
                        + (keys == null ? "no API key file" : keys.size() + " API keys from " + keys.path())
                        + (jwt == null ? ", no JWT issuer" : ", JWTs verified with the keys of " + jwt.location())
                        + (keys == null && jwt == null ? ": every call is refused" : ""));
        }
    }

    static Mode resolve(String configured, String host, boolean credentialsConfigured) {
        switch (configured.trim().toLowerCase(Locale.ROOT)) {
            case "none":
                return Mode.NONE;
            case "required":
                return Mode.REQUIRED;
            case "auto":
                return isLoopback(host) && !credentialsConfigured ? Mode.LOOPBACK : Mode.REQUIRED;
            default:
                LOG.severe("pullqueue.auth.mode " + configured + " is not auto, required or none; "
                        + "credentials are required");
                return Mode.REQUIRED;
        }
    }

    public Mode mode() {
        return mode;
    }

    /** The identity of a caller at {@code remoteAddress} that presents no credential, or empty if it must. */
    public Optional<Identity> withoutCredential(String remoteAddress) {
        Mode m = mode;
        return m == Mode.NONE || m == Mode.LOOPBACK && isLoopback(remoteAddress)
                ? Optional.of(Identity.UNCHECKED)
                : Optional.empty();
    }

    /** The identity of a credential (an API key, or a JWT when an issuer is configured), or empty. */
    public Optional<Identity> byKey(String credential) {
        if (credential == null || credential.isEmpty()) {
            return Optional.empty();
        }
        if (jwt != null && JwtVerifier.looksLikeJwt(credential)) {
            return jwt.verify(credential, Instant.now().getEpochSecond());
        }
        return keys == null ? Optional.empty() : keys.find(credential);
    }

    /** How many API keys are in force, or -1 when no key file is configured. */
    public int keyCount() {
        return keys == null ? -1 : keys.size();
    }

    /** Why the newest key file was refused, if it was. */
    public Optional<String> keysError() {
        return keys == null ? Optional.empty() : keys.lastError();
    }

    /** Called by the maintenance timer once a second: re-reads the key file when it changed. */
    public void reloadIfDue(long tick) {
        if (tick % Math.max(1, pollSeconds) != 0) {
            return;
        }
        if (keys != null && keys.reloadIfChanged()) {
            Audit.log(Audit.FILE, "reloaded API keys file " + keys.path() + " (" + keys.size() + " keys)");
        }
        if (jwt != null && jwt.reloadIfChanged(steadyMillis())) {
            Audit.log(Audit.FILE, "reloaded JWT keys of " + jwt.location());
        }
    }

    private static long steadyMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** True for the names and addresses of the loopback interface. */
    static boolean isLoopback(String hostOrAddress) {
        String h = hostOrAddress == null ? "" : hostOrAddress.trim().toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.startsWith("127.")
                || h.equals("::1")
                || h.equals("[::1]")
                || h.equals("0:0:0:0:0:0:0:1");
    }
}
