package io.pullqueue.api.rest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;

/**
 * A growing UTF-8 buffer that JSON values are written into, each byte once: strings escaped as JSON requires,
 * numbers, base64 and RFC 3339 timestamps (as {@link JsonOutput#rfc3339} writes them) without intermediate strings.
 * The documents written with it are {@link JsonBytes}'s.
 */
final class Utf8JsonWriter {
    /** 9999-12-31, the last day the fast timestamp path writes; later (and pre-1970) times use Instant. */
    private static final long LAST_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;
    private byte[] scratch = new byte[0];

    Utf8JsonWriter(int capacity) {
        buf = new byte[capacity];
    }

    byte[] bytes() {
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    /** A constant known to be plain ASCII with nothing to escape. */
    void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    void base64(byte[] data) {
        int n = (data.length + 2) / 3 * 4;
        if (scratch.length < n) {
            scratch = new byte[n];
        }
        int written = Base64.getEncoder().encode(data, scratch);
        ensure(written);
        System.arraycopy(scratch, 0, buf, len, written);
        len += written;
    }

    void number(long v) {
        ensure(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                ascii(Long.toString(v));
                return;
            }
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte b = buf[i];
            buf[i] = buf[j];
            buf[j] = b;
        }
    }

    /** Digits of {@code v}, zero-padded to {@code width}. */
    private void padded(int v, int width) {
        for (int i = width - 1; i >= 0; i--) {
            buf[len + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += width;
    }

    /** As {@link JsonOutput#rfc3339}: UTC, fraction in 3 or 6 digits only when non-zero (Instant's format). */
    void rfc3339(long usec) {
        long secs = Math.floorDiv(usec, 1_000_000L);
        int micros = (int) Math.floorMod(usec, 1_000_000L);
        long day = Math.floorDiv(secs, 86_400L);
        if (day < 0 || day > LAST_FAST_DAY) {
            ascii(Instant.ofEpochSecond(secs, micros * 1000L).toString());
            return;
        }
        int secOfDay = (int) Math.floorMod(secs, 86_400L);
        LocalDate d = LocalDate.ofEpochDay(day);
        ensure(27);
        padded(d.getYear(), 4);
        buf[len++] = '-';
        padded(d.getMonthValue(), 2);
        buf[len++] = '-';
        padded(d.getDayOfMonth(), 2);
        buf[len++] = 'T';
        padded(secOfDay / 3600, 2);
        buf[len++] = ':';
        padded(secOfDay / 60 % 60, 2);
        buf[len++] = ':';
        padded(secOfDay % 60, 2);
        if (micros != 0) {
            buf[len++] = '.';
            if (micros % 1000 == 0) {
                padded(micros / 1000, 3);
            } else {
                padded(micros, 6);
            }
        }
        buf[len++] = 'Z';
    }

    /** A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8. */
    void string(String s) {
        ensure(s.length() * 3 + 2);
        buf[len++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                if (c == '"' || c == '\\') {
                    ensure(2 + (s.length() - i) * 3);
                    buf[len++] = '\\';
                }
                buf[len++] = (byte) c;
            } else if (c < 0x20) {
                ensure(6 + (s.length() - i) * 3);
                escapeControl(c);
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | c >> 6);
                buf[len++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xf0 | cp >> 18);
                buf[len++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buf[len++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buf[len++] = (byte) (0x80 | cp & 0x3f);
            } else if (Character.isSurrogate(c)) {
                buf[len++] = '?'; // a lone surrogate has no UTF-8 form; String.getBytes writes '?' too
            } else {
                buf[len++] = (byte) (0xe0 | c >> 12);
                buf[len++] = (byte) (0x80 | c >> 6 & 0x3f);
                buf[len++] = (byte) (0x80 | c & 0x3f);
            }
        }
        ensure(1);
        buf[len++] = '"';
    }

    private void escapeControl(char c) {
        buf[len++] = '\\';
        switch (c) {
            case '\n' -> buf[len++] = 'n';
            case '\r' -> buf[len++] = 'r';
            case '\t' -> buf[len++] = 't';
            case '\b' -> buf[len++] = 'b';
            case '\f' -> buf[len++] = 'f';
            default -> {
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[c >> 4];
                buf[len++] = HEX[c & 0xf];
            }
        }
    }
}
