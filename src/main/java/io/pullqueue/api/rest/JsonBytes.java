package io.pullqueue.api.rest;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The task shape of the native API (a task, a lease or listing of up to 1000 tasks) and a batch delete's results,
 * written straight to UTF-8 bytes. Building them as JSON-P objects first cost about a quarter of the server's CPU
 * in a drain (one map per task, the payload's base64 copied three times, {@code Instant.toString} per timestamp);
 * this writes each byte once. Timestamps are written as {@link JsonOutput#rfc3339} writes them.
 */
final class JsonBytes {
    /** 9999-12-31, the last day the fast timestamp path writes; later (and pre-1970) times use Instant. */
    private static final long LAST_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;
    private byte[] scratch = new byte[0];

    private JsonBytes(int capacity) {
        buf = new byte[capacity];
    }

    /** {@code {"tasks":[...]}} plus {@code "nextPageToken"} when there is one. */
    static byte[] tasks(List<Task> tasks, long nowUsec, String nextPageToken) {
        return tasks(tasks, nowUsec, nextPageToken, null, null);
    }

    /**
     * A lease call's answer: the leased tasks and, for a call with {@code deleteNames}, {@code "deleted"}: one
     * result per name, as a batch delete answers ({@code names} {@code null} for a call without deleteNames).
     */
    static byte[] leased(List<Task> tasks, long nowUsec, List<String> names, List<ErrorCode> codes) {
        return tasks(tasks, nowUsec, null, names, codes);
    }

    private static byte[] tasks(
            List<Task> tasks, long nowUsec, String nextPageToken, List<String> names, List<ErrorCode> codes) {
        int estimate = 16 + resultsSize(names);
        for (Task t : tasks) {
            estimate += size(t);
        }
        JsonBytes w = new JsonBytes(estimate);
        w.ascii("{\"tasks\":[");
        for (int i = 0; i < tasks.size(); i++) {
            if (i > 0) {
                w.put((byte) ',');
            }
            w.writeTask(tasks.get(i), nowUsec);
        }
        w.put((byte) ']');
        if (nextPageToken != null) {
            w.ascii(",\"nextPageToken\":");
            w.string(nextPageToken);
        }
        if (names != null) {
            w.ascii(",\"deleted\":");
            w.results(names, codes);
        }
        w.put((byte) '}');
        return w.bytes();
    }

    /** About how many bytes a task takes written (fields, base64 payload, worst-case UTF-8 tag). */
    private static int size(Task t) {
        return 300
                + (t.payload() == null ? 0 : (t.payload().length + 2) / 3 * 4)
                + (t.tag() == null ? 0 : t.tag().length() * 3)
                + t.name().length()
                + t.queue().length();
    }

    /** One task, as in a lease or a listing (the answer of {@code GET .../tasks/{name}}). */
    static byte[] task(Task t, long nowUsec) {
        JsonBytes w = new JsonBytes(size(t));
        w.writeTask(t, nowUsec);
        return w.bytes();
    }

    /** {@code {"results":[{"name":...,"status":...},...]}}, one entry per name in order. */
    static byte[] deleteResults(List<String> names, List<ErrorCode> codes) {
        JsonBytes w = new JsonBytes(16 + resultsSize(names));
        w.ascii("{\"results\":");
        w.results(names, codes);
        w.put((byte) '}');
        return w.bytes();
    }

    private static int resultsSize(List<String> names) {
        int estimate = 0;
        if (names != null) {
            for (String n : names) {
                estimate += n.length() * 3 + 48;
            }
        }
        return estimate;
    }

    /** {@code [{"name":...,"status":"OK"},...]}: one result per name. */
    private void results(List<String> names, List<ErrorCode> codes) {
        put((byte) '[');
        for (int i = 0; i < names.size(); i++) {
            ascii(i == 0 ? "{\"name\":" : ",{\"name\":");
            string(names.get(i));
            ascii(",\"status\":\"");
            ascii(codes.get(i).name());
            ascii("\"}");
        }
        put((byte) ']');
    }

    private void writeTask(Task t, long nowUsec) {
        ascii("{\"name\":");
        string(t.name());
        ascii(",\"queue\":");
        string(t.queue());
        if (t.payload() != null) {
            ascii(",\"payload\":\"");
            base64(t.payload());
            put((byte) '"');
        }
        ascii(",\"payloadSize\":");
        number(t.payloadSize());
        if (t.tag() != null && t.tag().isText()) {
            ascii(",\"tag\":");
            string(t.tag().text());
        } else if (t.tag() != null) {
            ascii(",\"tagBase64\":");
            string(t.tag().base64());
        }
        ascii(",\"eta\":\"");
        rfc3339(t.etaUsec());
        ascii("\",\"etaUsec\":");
        number(t.etaUsec());
        ascii(",\"leaseToken\":\"");
        number(t.etaUsec());
        ascii(t.isLeased(nowUsec) ? "\",\"leased\":true" : "\",\"leased\":false");
        ascii(",\"retryCount\":");
        number(t.retryCount());
        ascii(",\"created\":\"");
        rfc3339(t.createdUsec());
        ascii("\",\"createdUsec\":");
        number(t.createdUsec());
        if (t.retryLimit() != null) {
            ascii(",\"retryLimit\":");
            number(t.retryLimit());
        }
        put((byte) '}');
    }

    // ------------------------------------------------------------------------------------------ primitives

    private byte[] bytes() {
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    /** A constant known to be plain ASCII with nothing to escape. */
    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void base64(byte[] data) {
        int n = (data.length + 2) / 3 * 4;
        if (scratch.length < n) {
            scratch = new byte[n];
        }
        int written = Base64.getEncoder().encode(data, scratch);
        ensure(written);
        System.arraycopy(scratch, 0, buf, len, written);
        len += written;
    }

    private void number(long v) {
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
    private void rfc3339(long usec) {
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
    private void string(String s) {
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
