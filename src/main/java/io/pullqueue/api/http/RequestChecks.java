package io.pullqueue.api.http;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks on the parts of a request every door reads the same way: the query string (each parameter properly
 * percent-encoded UTF-8, and given at most once) and the Content-Type header (a {@code type/subtype}). A bad one is
 * refused before any door runs, with a 400 naming the parameter or header.
 */
final class RequestChecks {
    private RequestChecks() {}

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN + "\\s*(;.*)?", Pattern.DOTALL);

    /** The first problem with the request's query string or Content-Type, or null when both are well-formed. */
    static EdgeError malformed(HttpServletRequest req) {
        EdgeError e = query(req.getQueryString());
        if (e != null) {
            return e;
        }
        String type = req.getHeader("Content-Type");
        if (type != null && !type.isBlank() && !MEDIA_TYPE.matcher(type.trim()).matches()) {
            return new EdgeError(
                    400,
                    "INVALID_REQUEST",
                    "Content-Type is not a media type such as " + "application/json",
                    "Content-Type");
        }
        return null;
    }

    static EdgeError query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            String shown = name != null ? name : printable(rawName);
            if (name == null || value == null) {
                return new EdgeError(
                        400,
                        "INVALID_REQUEST",
                        "query parameter " + shown + " is not properly percent-encoded UTF-8",
                        shown);
            }
            if (!seen.add(name)) {
                return new EdgeError(
                        400, "INVALID_REQUEST", "query parameter " + name + " is given more than once", name);
            }
        }
        return null;
    }

    /** Percent-decoded UTF-8 ('+' is a space), or null when the encoding or the UTF-8 is broken. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s.replace('+', ' ');
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out[n++] = (byte) (hi * 16 + lo);
                i += 2;
            } else if (c > 0x7f) {
                return null;
            } else {
                out[n++] = (byte) (c == '+' ? ' ' : c);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code s} cut to 100 characters of printable ASCII, for naming a parameter that cannot be decoded. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
