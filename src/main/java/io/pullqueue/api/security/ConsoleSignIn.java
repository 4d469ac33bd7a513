package io.pullqueue.api.security;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import io.pullqueue.service.Authenticator;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The console's sign-in, {@code /console/session}: POST {@code {"key":"<API key or JWT>"}} as JSON from the
 * console's own page sets an HttpOnly, SameSite=Strict cookie (Secure on HTTPS) naming a server-side session, so
 * the credential is never in a URL, in script-readable storage or in anything another origin can read; GET says
 * who is signed in (401 when nobody); DELETE signs out. The cookie counts on the native API only.
 */
@WebServlet(name = "console-session", urlPatterns = ConsoleSignIn.PATH)
public class ConsoleSignIn extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PATH = "/console/session";

    @Inject
    transient Authenticator authenticator;

    @Inject
    transient ConsoleSessions sessions;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<Identity> who =
                authenticator.withoutCredential(req.getRemoteAddr()).or(() -> sessions.find(cookie(req)));
        if (who.isEmpty()) {
            SecurityFilter.unauthenticated(resp, Door.NATIVE, "not signed in");
            return;
        }
        json(resp, 200, who.get());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Door.NATIVE.refuse(resp, 415, "UNSUPPORTED_MEDIA_TYPE", "sign in with a JSON body {\"key\": \"...\"}");
            return;
        }
        String key;
        try (InputStream in = req.getInputStream();
                JsonReader r = Json.createReader(
                        new java.io.StringReader(new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8)))) {
            JsonObject o = r.readObject();
            key = o.getString("key", null);
        } catch (RuntimeException e) {
            Door.NATIVE.refuse(resp, 400, "INVALID_REQUEST", "the body must be {\"key\": \"<API key or token>\"}");
            return;
        }
        Optional<Identity> who = authenticator.byKey(key == null ? null : key.trim());
        if (who.isEmpty()) {
            SecurityFilter.unauthenticated(resp, Door.NATIVE, "the key is not valid on this server");
            return;
        }
        String id = sessions.open(who.get());
        resp.addHeader(
                "Set-Cookie",
                ConsoleSessions.COOKIE + "=" + id + "; Path=/; Max-Age="
                        + ConsoleSessions.LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict"
                        + (req.isSecure() ? "; Secure" : ""));
        json(resp, 200, who.get());
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) {
        sessions.close(cookie(req));
        resp.addHeader(
                "Set-Cookie",
                ConsoleSessions.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                        + (req.isSecure() ? "; Secure" : ""));
        resp.setStatus(204);
    }

    static String cookie(HttpServletRequest req) {
        if (req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                if (c.getName().equals(ConsoleSessions.COOKIE)) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    private static void json(HttpServletResponse resp, int status, Identity who) throws IOException {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        for (Role r : Role.values()) {
            if (who.has(r)) {
                roles.add(r.name().toLowerCase(Locale.ROOT));
            }
        }
        byte[] body = Json.createObjectBuilder()
                .add("email", who.email())
                .add("roles", roles)
                .build()
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
