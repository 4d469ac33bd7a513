package io.pullqueue.api.rest;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Task;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The compact lease answer ({@value #TYPE}, docs/api.md "The compact lease answer"): the same fields as the JSON
 * answer, big-endian and length-prefixed, payloads and tags as raw bytes. A worker reads it without base64 or a JSON
 * parser, and a 1 KiB payload takes 1 KiB on the wire instead of 1.37 KiB of base64. Written straight into one array
 * of the exact size, computed up front.
 *
 * <pre>
 * header   'P' 'Q' 'L' version(u8 = 1) flags(u8: 1 = deleted section present) queue(u16 length, UTF-8)
 *          task count(u32)
 * task     flags(u8: 1 payload, 2 tag, 4 leased, 8 retryLimit) name(u16 length, UTF-8) etaUsec(i64)
 *          leaseToken(i64) retryCount(i32) createdUsec(i64) [retryLimit(i32)] [tag(u16 length, bytes)]
 *          payloadSize(u32) [payload(payloadSize bytes)]
 * deleted  count(u32), then per name: name(u16 length, UTF-8) status(u8 length, ASCII)
 * </pre>
 */
final class LeasedBytes {
    /** The media type a client asks for in {@code Accept}, preferred over JSON. */
    static final String TYPE = "application/vnd.pullqueue.leased";

    static final MediaType MEDIA_TYPE = MediaType.valueOf(TYPE);
    static final int VERSION = 1;

    static final int DELETED_SECTION = 1;
    static final int PAYLOAD = 1;
    static final int TAG = 2;
    static final int LEASED = 4;
    static final int RETRY_LIMIT = 8;

    /** Bytes of a task's fixed fields: flags, name length, eta, token, retry count, created, payload size. */
    private static final int TASK_FIXED = 1 + 2 + 8 + 8 + 4 + 8 + 4;

    private LeasedBytes() {}

    /**
     * A lease call's answer: the leased tasks of {@code queue} and, for a call with deleteNames ({@code names} not
     * {@code null}), one result per name.
     */
    static byte[] leased(String queue, List<Task> tasks, long nowUsec, List<String> names, List<ErrorCode> codes) {
        int size = 5 + 2 + utf8Length(queue) + 4;
        for (int i = 0; i < tasks.size(); i++) {
            size += size(tasks.get(i));
        }
        if (names != null) {
            size += 4;
            for (int i = 0; i < names.size(); i++) {
                size += 2 + utf8Length(names.get(i)) + 1 + codes.get(i).name().length();
            }
        }
        Out out = new Out(size);
        out.u8('P');
        out.u8('Q');
        out.u8('L');
        out.u8(VERSION);
        out.u8(names == null ? 0 : DELETED_SECTION);
        out.text(queue, 2);
        out.i32(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            write(out, tasks.get(i), nowUsec);
        }
        if (names != null) {
            out.i32(names.size());
            for (int i = 0; i < names.size(); i++) {
                out.text(names.get(i), 2);
                out.text(codes.get(i).name(), 1);
            }
        }
        return out.done();
    }

    private static int size(Task t) {
        return TASK_FIXED
                + utf8Length(t.name())
                + (t.retryLimit() == null ? 0 : 4)
                + (t.tag() == null ? 0 : 2 + t.tag().length())
                + (t.payload() == null ? 0 : t.payload().length);
    }

    private static void write(Out out, Task t, long nowUsec) {
        int flags = (t.payload() == null ? 0 : PAYLOAD)
                | (t.tag() == null ? 0 : TAG)
                | (t.isLeased(nowUsec) ? LEASED : 0)
                | (t.retryLimit() == null ? 0 : RETRY_LIMIT);
        out.u8(flags);
        out.text(t.name(), 2);
        out.i64(t.etaUsec());
        out.i64(t.etaUsec()); // the lease token, as the JSON answer's leaseToken
        out.i32(t.retryCount());
        out.i64(t.createdUsec());
        if (t.retryLimit() != null) {
            out.i32(t.retryLimit());
        }
        if (t.tag() != null) {
            out.u16(t.tag().length());
            out.at = t.tag().copyTo(out.buf, out.at);
        }
        out.i32(t.payloadSize());
        if (t.payload() != null) {
            out.bytes(t.payload());
        }
    }

    /** The UTF-8 length of {@code s}: its length for ASCII (every name the API accepts). */
    private static int utf8Length(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return s.length();
    }

    /**
     * True when an {@code Accept} header ranks {@value #TYPE} above JSON: its quality (from the most specific range
     * that matches it: the type itself, {@code application/*}, &#42;/&#42;) is above JSON's, found the same way.
     * Equal qualities, no Accept and an unreadable range (ignored) answer JSON, as every call did before.
     */
    static boolean wanted(List<String> accept) {
        if (accept == null || accept.isEmpty()) {
            return false;
        }
        return new AcceptRanking(accept.size() == 1 ? accept.get(0) : String.join(",", accept)).compactFirst();
    }

    /** A cursor over the exact-size answer. */
    private static final class Out {
        final byte[] buf;
        int at;

        Out(int size) {
            buf = new byte[size];
        }

        void u8(int v) {
            buf[at++] = (byte) v;
        }

        void u16(int v) {
            buf[at++] = (byte) (v >>> 8);
            buf[at++] = (byte) v;
        }

        void i32(int v) {
            buf[at++] = (byte) (v >>> 24);
            buf[at++] = (byte) (v >>> 16);
            buf[at++] = (byte) (v >>> 8);
            buf[at++] = (byte) v;
        }

        void i64(long v) {
            i32((int) (v >>> 32));
            i32((int) v);
        }

        void bytes(byte[] b) {
            System.arraycopy(b, 0, buf, at, b.length);
            at += b.length;
        }

        /** A string prefixed with its UTF-8 length in {@code lengthBytes} (1 or 2) bytes. */
        void text(String s, int lengthBytes) {
            int n = utf8Length(s);
            if (lengthBytes == 1) {
                u8(n);
            } else {
                u16(n);
            }
            if (n == s.length()) {
                for (int i = 0; i < n; i++) {
                    buf[at++] = (byte) s.charAt(i);
                }
            } else {
                bytes(s.getBytes(StandardCharsets.UTF_8));
            }
        }

        byte[] done() {
            if (at != buf.length) {
                throw new IllegalStateException("compact lease answer sized " + buf.length + " bytes, wrote " + at);
            }
            return buf;
        }
    }
}
