package io.pullqueue.api.http;

import io.pullqueue.core.QueueException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.InputStream;
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
 * <p>This class reads the structure (objects, arrays, keys, depth); {@link JsonLexer} the tokens. It parses the body's
 * bytes itself, in one pass and without copying a string twice, so a body costs about
 * twice its size in memory while it is parsed (JSON-P's reader costs several times that on long strings).
 */
public final class StrictJson {
    /** Deepest nesting of objects and arrays accepted; the deepest body any door takes is 3 levels. */
    public static final int MAX_DEPTH = 32;
    /** Longest number literal accepted. */
    public static final int MAX_NUMBER_CHARS = 64;

    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    private static final JsonProvider VALUES = JsonProvider.provider();

    private final JsonLexer in;

    private StrictJson(JsonLexer in) {
        this.in = in;
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
        JsonLexer in = new JsonLexer(bytes, length);
        int first = in.peek();
        if (first < 0) {
            throw JsonLexer.invalid(null, "the request body is empty; send a JSON object");
        }
        if (first != '{') {
            throw JsonLexer.invalid(null, "the request body must be a JSON object");
        }
        in.skip();
        JsonObject o = new StrictJson(in).object("", 1);
        if (in.peek() >= 0) {
            throw JsonLexer.invalid(null, "the request body has data after its JSON object (at byte " + in.pos() + ")");
        }
        return o;
    }

    /** The members of an object whose '{' was just read. */
    private JsonObject object(String path, int depth) {
        JsonObjectBuilder o = BUILDERS.createObjectBuilder();
        if (in.peek() == '}') {
            in.skip();
            return o.build();
        }
        Set<String> keys = new HashSet<>();
        while (true) {
            if (in.peek() != '"') {
                throw in.syntax(path.isEmpty() ? null : path, "a key");
            }
            in.skip();
            String key = in.string(path.isEmpty() ? "a key" : "a key in " + path);
            String field = path.isEmpty() ? key : path + "." + key;
            if (!keys.add(key)) {
                throw JsonLexer.invalid(field, field + " is given more than once");
            }
            in.expect(':', field);
            o.add(key, value(field, depth));
            int next = in.peek();
            if (next != ',' && next != '}') {
                throw in.syntax(path.isEmpty() ? null : path, "',' or '}'");
            }
            in.skip();
            if (next == '}') {
                return o.build();
            }
        }
    }

    /** The elements of an array whose '[' was just read. */
    private JsonArray array(String path, int depth) {
        JsonArrayBuilder a = BUILDERS.createArrayBuilder();
        if (in.peek() == ']') {
            in.skip();
            return a.build();
        }
        for (int i = 0; ; i++) {
            a.add(value(path + "[" + i + "]", depth));
            int next = in.peek();
            if (next != ',' && next != ']') {
                throw in.syntax(path, "',' or ']'");
            }
            in.skip();
            if (next == ']') {
                return a.build();
            }
        }
    }

    /** The value of {@code field}, a member or an element of a value {@code depth} levels deep. */
    private JsonValue value(String field, int depth) {
        int c = in.peek();
        if (c < 0) {
            throw in.syntax(field, "a value");
        }
        switch (c) {
            case '{' -> {
                in.skip();
                return object(field, deeper(field, depth));
            }
            case '[' -> {
                in.skip();
                return array(field, deeper(field, depth));
            }
            case '"' -> {
                in.skip();
                return VALUES.createValue(in.string(field));
            }
            case 't' -> {
                in.literal("true", field);
                return JsonValue.TRUE;
            }
            case 'f' -> {
                in.literal("false", field);
                return JsonValue.FALSE;
            }
            case 'n' -> {
                in.literal("null", field);
                return JsonValue.NULL;
            }
            default -> {
                return VALUES.createValue(in.number(field));
            }
        }
    }

    private static int deeper(String field, int depth) {
        if (depth + 1 > MAX_DEPTH) {
            throw JsonLexer.invalid(field, field + " is nested more than " + MAX_DEPTH + " levels deep");
        }
        return depth + 1;
    }
}
