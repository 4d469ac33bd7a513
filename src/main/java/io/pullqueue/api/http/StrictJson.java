package io.pullqueue.api.http;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a request body as one JSON object (RFC 8259), strictly: UTF-8 only (a malformed byte is refused, not
 * replaced), no data after the object, no key twice in an object, no string holding an unpaired surrogate
 * ({@code "\ud800"}), numbers of at most {@value #MAX_NUMBER_CHARS} characters, and at most {@value #MAX_DEPTH}
 * levels of nesting. Every refusal is an INVALID_REQUEST naming the field where it can (such as
 * {@code tasks[2].tag}) and the byte offset where the body goes wrong.
 *
 * <p>It parses the body's bytes itself, in one pass and without copying a string twice, so a body costs about
 * twice its size in memory while it is parsed (JSON-P's reader costs several times that on long strings).
 */
public final class StrictJson {
    /** Deepest nesting of objects and arrays accepted; the deepest body any door takes is 3 levels. */
    public static final int MAX_DEPTH = 32;
    /** Longest number literal accepted. */
    public static final int MAX_NUMBER_CHARS = 64;

    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

    private final byte[] b;
    private final int end;
    private int pos;

    private StrictJson(byte[] b, int end) {
        this.b = b;
        this.end = end;
    }

    /**
     * The body's one JSON object.
     *
     * @throws QueueException INVALID_REQUEST when the body is not one strict JSON object
     * @throws IOException when reading the body failed (its size limit, the client went away)
     */
    public static JsonObject object(InputStream body) throws IOException {
        byte[] buf = new byte[Math.max(body.available(), 0) + 1];
        int n = 0;
        for (int r; (r = body.read(buf, n, buf.length - n)) >= 0; ) {
            n += r;
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, 2L * buf.length + 8192));
            }
        }
        return parse(buf, n);
    }

    /** The one JSON object in {@code bytes[0..length)}. */
    public static JsonObject parse(byte[] bytes, int length) {
        StrictJson p = new StrictJson(bytes, length);
        p.space();
        if (p.pos == p.end) {
            throw invalid(null, "the request body is empty; send a JSON object");
        }
        if (p.b[p.pos] != '{') {
            throw invalid(null, "the request body must be a JSON object");
        }
        p.pos++;
        JsonObjectBuilder o = p.object("", 1);
        p.space();
        if (p.pos != p.end) {
            throw invalid(null, "the request body has data after its JSON object (at byte " + p.pos + ")");
        }
        return o.build();
    }

    private void space() {
        while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
            pos++;
        }
    }

    private QueueException syntax(String field, String expected) {
        String where = pos >= end ? "the body ends" : "at byte " + pos;
        return invalid(
                field,
                "the request body is not valid JSON: " + expected + " expected" + (field == null ? "" : " in " + field)
                        + " (" + where + ")");
    }

    private void expect(char c, String field) {
        space();
        if (pos >= end || b[pos] != c) {
            throw syntax(field, "'" + c + "'");
        }
        pos++;
    }

    /** The members of an object whose '{' was just read. */
    private JsonObjectBuilder object(String path, int depth) {
        JsonObjectBuilder o = BUILDERS.createObjectBuilder();
        space();
        if (pos < end && b[pos] == '}') {
            pos++;
            return o;
        }
        Set<String> keys = new HashSet<>();
        while (true) {
            space();
            if (pos >= end || b[pos] != '"') {
                throw syntax(path.isEmpty() ? null : path, "a key");
            }
            pos++;
            String key = string(path.isEmpty() ? "a key" : "a key in " + path);
            String field = path.isEmpty() ? key : path + "." + key;
            if (!keys.add(key)) {
                throw invalid(field, field + " is given more than once");
            }
            expect(':', field);
            space();
            member(o, key, field, depth);
            space();
            if (pos < end && b[pos] == ',') {
                pos++;
            } else if (pos < end && b[pos] == '}') {
                pos++;
                return o;
            } else {
                throw syntax(path.isEmpty() ? null : path, "',' or '}'");
            }
        }
    }

    /** The elements of an array whose '[' was just read. */
    private JsonArrayBuilder array(String path, int depth) {
        JsonArrayBuilder a = BUILDERS.createArrayBuilder();
        space();
        if (pos < end && b[pos] == ']') {
            pos++;
            return a;
        }
        for (int i = 0; ; i++) {
            space();
            element(a, path + "[" + i + "]", depth);
            space();
            if (pos < end && b[pos] == ',') {
                pos++;
            } else if (pos < end && b[pos] == ']') {
                pos++;
                return a;
            } else {
                throw syntax(path, "',' or ']'");
            }
        }
    }

    private void member(JsonObjectBuilder o, String key, String field, int depth) {
        if (pos >= end) {
            throw syntax(field, "a value");
        }
        switch (b[pos]) {
            case '{' -> {
                pos++;
                o.add(key, object(field, deeper(field, depth)));
            }
            case '[' -> {
                pos++;
                o.add(key, array(field, deeper(field, depth)));
            }
            case '"' -> {
                pos++;
                o.add(key, string(field));
            }
            case 't' -> {
                literal("true", field);
                o.add(key, true);
            }
            case 'f' -> {
                literal("false", field);
                o.add(key, false);
            }
            case 'n' -> {
                literal("null", field);
                o.addNull(key);
            }
            default -> o.add(key, number(field));
        }
    }

    private void element(JsonArrayBuilder a, String field, int depth) {
        if (pos >= end) {
            throw syntax(field, "a value");
        }
        switch (b[pos]) {
            case '{' -> {
                pos++;
                a.add(object(field, deeper(field, depth)));
            }
            case '[' -> {
                pos++;
                a.add(array(field, deeper(field, depth)));
            }
            case '"' -> {
                pos++;
                a.add(string(field));
            }
            case 't' -> {
                literal("true", field);
                a.add(true);
            }
            case 'f' -> {
                literal("false", field);
                a.add(false);
            }
            case 'n' -> {
                literal("null", field);
                a.addNull();
            }
            default -> a.add(number(field));
        }
    }

    private static int deeper(String field, int depth) {
        if (depth + 1 > MAX_DEPTH) {
            throw invalid(field, field + " is nested more than " + MAX_DEPTH + " levels deep");
        }
        return depth + 1;
    }

    private void literal(String word, String field) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= end || b[pos] != word.charAt(i)) {
                throw syntax(field, "a value");
            }
            pos++;
        }
    }

    private BigDecimal number(String field) {
        int start = pos;
        if (pos < end && b[pos] == '-') {
            pos++;
        }
        if (pos < end && b[pos] == '0') {
            pos++;
        } else if (!digits()) {
            pos = start;
            throw syntax(field, "a value");
        }
        if (pos < end && b[pos] == '.') {
            pos++;
            if (!digits()) {
                throw syntax(field, "a digit");
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                throw syntax(field, "a digit");
            }
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw invalid(field, field + " is a number of more than " + MAX_NUMBER_CHARS + " characters");
        }
        return new BigDecimal(new String(b, start, pos - start, StandardCharsets.US_ASCII));
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    /** A string whose opening '"' was just read. */
    private String string(String field) {
        int start = pos;
        StringBuilder sb = null;
        while (true) {
            if (pos >= end) {
                throw syntax(field, "'\"'");
            }
            int c = b[pos] & 0xff;
            if (c == '"') {
                String s = sb == null
                        ? new String(b, start, pos - start, StandardCharsets.UTF_8)
                        : sb.append(new String(b, start, pos - start, StandardCharsets.UTF_8))
                                .toString();
                pos++;
                return sb == null ? s : text(s, field);
            } else if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(new String(b, start, pos - start, StandardCharsets.UTF_8));
                pos++;
                sb.append(escape(field));
                start = pos;
            } else if (c < 0x20) {
                throw invalid(
                        field,
                        "the request body is not valid JSON: a control character in a string"
                                + (field == null ? "" : " in " + field) + " (at byte " + pos + "); escape it");
            } else if (c < 0x80) {
                pos++;
            } else {
                utf8(field);
            }
        }
    }

    private char escape(String field) {
        if (pos >= end) {
            throw syntax(field, "an escape");
        }
        byte e = b[pos++];
        switch (e) {
            case '"':
                return '"';
            case '\\':
                return '\\';
            case '/':
                return '/';
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                if (pos + 4 > end) {
                    throw syntax(field, "four hex digits");
                }
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(b[pos++], 16);
                    if (d < 0) {
                        pos--;
                        throw syntax(field, "four hex digits");
                    }
                    v = v * 16 + d;
                }
                return (char) v;
            default:
                pos--;
                throw syntax(field, "an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)");
        }
    }

    /** Steps over one well-formed UTF-8 sequence of 2 to 4 bytes (no overlong form, no surrogate, <= U+10FFFF). */
    private void utf8(String field) {
        int c = b[pos] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80;
            hi = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            throw notUtf8(field);
        }
        if (pos + n >= end) {
            throw notUtf8(field);
        }
        int first = b[pos + 1] & 0xff;
        if (first < lo || first > hi) {
            throw notUtf8(field);
        }
        for (int i = 2; i <= n; i++) {
            int k = b[pos + i] & 0xff;
            if (k < 0x80 || k > 0xbf) {
                throw notUtf8(field);
            }
        }
        pos += n + 1;
    }

    private QueueException notUtf8(String field) {
        return invalid(
                field,
                "the request body is not valid UTF-8" + (field == null ? "" : " in " + field) + " (at byte " + pos
                        + ")");
    }

    /** {@code s}, unless it holds an unpaired UTF-16 surrogate (only a \\u escape can make one). */
    private static String text(String s, String field) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(
                        field,
                        field + " holds an unpaired surrogate \\u" + Integer.toHexString(c) + ", which is not text");
            }
        }
        return s;
    }

    private static QueueException invalid(String field, String message) {
        return new QueueException(ErrorCode.INVALID_REQUEST, field, message);
    }
}
