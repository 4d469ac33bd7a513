package io.pullqueue.api.http;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Tag;
import io.pullqueue.core.Validation;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Reads JSON request bodies and typed fields; every failure names the field and what was expected. Used by the
 * native and the v1beta2 doors.
 */
public final class JsonInput {
    private JsonInput() {}

    /** The body's one JSON object, read strictly (see {@link StrictJson}). */
    public static JsonObject object(InputStream body) {
        try {
            return StrictJson.object(body);
        } catch (BodyLimits.TooLargeException t) {
            throw new WebApplicationException(t.getMessage(), 413);
        } catch (IOException e) {
            throw invalid(null, "the request body could not be read");
        }
    }

    public static QueueException invalid(String field, String message) {
        return new QueueException(ErrorCode.INVALID_REQUEST, field, message);
    }

    private static JsonValue value(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v == null || v.getValueType() == JsonValue.ValueType.NULL ? null : v;
    }

    public static String string(JsonObject o, String field) {
        JsonValue v = value(o, field);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw invalid(field, field + " must be a string");
    }

    /** An integer given as a JSON number (a string holding digits is refused: the native API is strict). */
    public static Long integer(JsonObject o, String field) {
        JsonValue v = value(o, field);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw invalid(field, field + " is out of range");
            }
        }
        throw invalid(field, field + " must be an integer (a JSON number)");
    }

    /**
     * A 64-bit integer as the server writes one where JSON numbers lose precision: a string of decimal digits
     * (such as a lease token, or Google's int64 fields), or a JSON number.
     */
    public static Long int64(JsonObject o, String field) {
        JsonValue v = value(o, field);
        if (v instanceof JsonString s) {
            String t = s.getString();
            try {
                if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-')) {
                    return Long.parseLong(t);
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw invalid(field, field + " must be an integer (a JSON number or a string of digits)");
        }
        return integer(o, field);
    }

    public static Double number(JsonObject o, String field) {
        JsonValue v = value(o, field);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonNumber n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw invalid(field, field + " must be a number (a JSON number)");
    }

    public static boolean bool(JsonObject o, String field) {
        JsonValue v = value(o, field);
        if (v == null) {
            return false;
        }
        if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
            return v == JsonValue.TRUE;
        }
        throw invalid(field, field + " must be true or false");
    }

    public static JsonArray array(JsonObject o, String field) {
        JsonValue v = value(o, field);
        if (v == null) {
            throw invalid(field, field + " is required");
        }
        if (v instanceof JsonArray a) {
            return a;
        }
        throw invalid(field, field + " must be an array");
    }

    public static byte[] base64(JsonObject o, String field) {
        String s = string(o, field);
        return s == null ? null : base64(s, field);
    }

    /** Base64 in either alphabet, padding optional. */
    public static byte[] base64(String s, String field) {
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(s)
                    : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw invalid(field, field + " must be base64 (standard or URL-safe alphabet)");
        }
    }

    /**
     * A tag given as text ({@code tag}: its UTF-8 bytes) or as any bytes in base64 ({@code tagBase64}), not both;
     * empty or absent means none. The 500-byte limit is checked here, so its error names the field used.
     */
    public static Tag tag(String text, String base64) {
        if (text != null && base64 != null) {
            throw invalid("tagBase64", "give tag or tagBase64, not both");
        }
        String field = base64 != null ? "tagBase64" : "tag";
        Tag tag = base64 != null ? Tag.ofBytes(base64(base64, field)) : Tag.of(text);
        if (tag != null) {
            Validation.checkTag(tag, field);
        }
        return tag;
    }

    /** The task's or request's {@code tag} or {@code tagBase64} (see {@link #tag(String, String)}). */
    public static Tag tag(JsonObject o) {
        return tag(string(o, "tag"), string(o, "tagBase64"));
    }

    /** An RFC 3339 timestamp as µs since the epoch. */
    public static Long timestamp(JsonObject o, String field) {
        String s = string(o, field);
        if (s == null) {
            return null;
        }
        try {
            return ChronoUnit.MICROS.between(
                    java.time.Instant.EPOCH, OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new QueueException(
                    ErrorCode.INVALID_ETA,
                    field,
                    field + " must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
    }
}
