package io.pullqueue.api.http;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The tokens of {@link StrictJson}'s input, read from its UTF-8 bytes in place: white space, the literals, numbers
 * of at most {@value StrictJson#MAX_NUMBER_CHARS} characters, and strings (well-formed UTF-8, no control character,
 * no unpaired surrogate). Every refusal is an INVALID_REQUEST naming the field and the byte offset.
 */
final class JsonLexer {
    private final byte[] b;
    private final int end;
    private int pos;

    JsonLexer(byte[] b, int end) {
        this.b = b;
        this.end = end;
    }

    /** The next byte after white space (0 to 255), or -1 at the end of the input; not consumed. */
    int peek() {
        while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
            pos++;
        }
        return pos < end ? b[pos] & 0xff : -1;
    }

    /** Consumes the byte {@link #peek} returned. */
    void skip() {
        pos++;
    }

    /** The offset of the next byte. */
    int pos() {
        return pos;
    }

    QueueException syntax(String field, String expected) {
        String where = pos >= end ? "the body ends" : "at byte " + pos;
        return invalid(
                field,
                "the request body is not valid JSON: " + expected + " expected" + (field == null ? "" : " in " + field)
                        + " (" + where + ")");
    }

    void expect(char c, String field) {
        if (peek() != c) {
            throw syntax(field, "'" + c + "'");
        }
        pos++;
    }

    void literal(String word, String field) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= end || b[pos] != word.charAt(i)) {
                throw syntax(field, "a value");
            }
            pos++;
        }
    }

    BigDecimal number(String field) {
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
        if (pos - start > StrictJson.MAX_NUMBER_CHARS) {
            throw invalid(field, field + " is a number of more than " + StrictJson.MAX_NUMBER_CHARS + " characters");
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
    String string(String field) {
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

    static QueueException invalid(String field, String message) {
        return new QueueException(ErrorCode.INVALID_REQUEST, field, message);
    }
}
