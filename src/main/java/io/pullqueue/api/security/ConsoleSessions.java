package io.pullqueue.api.security;

import io.pullqueue.core.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in consoles: a random session id (the value of an HttpOnly, SameSite=Strict cookie) names the identity of
 * the credential it was made with, for eight hours. Kept in memory: a restart signs every console out.
 */
@ApplicationScoped
public class ConsoleSessions {
    static final String COOKIE = "pullqueue_session";
    static final Duration LIFETIME = Duration.ofHours(8);
    private static final int MAX_SESSIONS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    private record Session(Identity who, long expiresAtMillis) {}

    /** A new session for {@code who}; returns its id. */
    String open(Identity who) {
        if (sessions.size() >= MAX_SESSIONS) {
            long now = System.currentTimeMillis();
            sessions.values().removeIf(s -> s.expiresAtMillis <= now);
        }
        byte[] id = new byte[32];
        random.nextBytes(id);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        sessions.put(key, new Session(who, System.currentTimeMillis() + LIFETIME.toMillis()));
        return key;
    }

    /** The identity of a live session, or empty. */
    Optional<Identity> find(String id) {
        Session s = id == null ? null : sessions.get(id);
        if (s == null || s.expiresAtMillis <= System.currentTimeMillis()) {
            return Optional.empty();
        }
        return Optional.of(s.who);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }
}
