package io.pullqueue.worker;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the server's compact lease answer ({@value #TYPE}, laid out in the server's docs/api.md): big-endian,
 * length-prefixed, payloads as raw bytes, so a lease of 1 KiB tasks carries no base64 and needs no JSON parser. Every
 * length is checked against what is left, so a truncated or garbled answer is a {@link TransientException} naming
 * where it broke, never an {@code IndexOutOfBoundsException}. The lease may have happened on the server all the same:
 * its tasks come back when their lease runs out.
 */
final class CompactLease {
    static final String TYPE = "application/vnd.pullqueue.leased";
    /** The client's Accept for a lease: the compact answer first, JSON (from an older server) second. */
    static final String ACCEPT = TYPE + ", application/json;q=0.5";

    private static final int VERSION = 1;
    private static final int DELETED_SECTION = 1;
    private static final int PAYLOAD = 1;
    private static final int TAG = 2;
    private static final int RETRY_LIMIT = 8;
    private static final int TASK_FLAGS = 15;
    /** The fewest bytes a task takes: flags, name length, eta, token, retry count, created, payload size. */
    private static final int MIN_TASK = 1 + 2 + 8 + 8 + 4 + 8 + 4;

    private final byte[] body;
    private int at;

    private CompactLease(byte[] body) {
        this.body = body;
    }

    /** True when a response's {@code Content-Type} is the compact answer (parameters and case aside). */
    static boolean is(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().equalsIgnoreCase(TYPE);
    }

    /**
     * The answer to a lease of {@code queue}; {@code deletes}: the call had deleteNames, so the answer must carry
     * their results.
     */
    static LeaseResult read(String queue, byte[] body, boolean deletes) {
        return new CompactLease(body).result(queue, deletes);
    }

    private LeaseResult result(String queue, boolean deletes) {
        if (body.length < 4 || body[0] != 'P' || body[1] != 'Q' || body[2] != 'L') {
            throw malformed("it does not start with PQL");
        }
        at = 3;
        int version = u8("the version");
        if (version != VERSION) {
            throw malformed("version " + version + " is not one this client reads (" + VERSION + "); upgrade it");
        }
        int flags = u8("the header flags");
        if ((flags & ~DELETED_SECTION) != 0) {
            throw malformed("unknown header flags " + flags);
        }
        String answerQueue = text(u16("the queue's length"), "the queue name");
        if (!answerQueue.equals(queue)) {
            throw malformed("it is for queue " + answerQueue + ", not " + queue);
        }
        int count = count(MIN_TASK, "the task count");
        List<LeasedTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tasks.add(task(queue, i));
        }
        List<DeleteResult> deleted = List.of();
        if ((flags & DELETED_SECTION) != 0) {
            int n = count(4, "the deleted count");
            deleted = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = text(u16("deleted[" + i + "]'s name length"), "deleted[" + i + "]'s name");
                deleted.add(new DeleteResult(name, text(u8("deleted[" + i + "]'s status length"), "a status")));
            }
        } else if (deletes) {
            throw malformed("the call had deleteNames but the answer has no deleted section");
        }
        if (at != body.length) {
            throw malformed((body.length - at) + " bytes after the end");
        }
        return new LeaseResult(tasks, deleted);
    }

    private LeasedTask task(String queue, int i) {
        String where = "task " + i;
        int flags = u8(where + "'s flags");
        if ((flags & ~TASK_FLAGS) != 0) {
            throw malformed("unknown flags " + flags + " in " + where);
        }
        String name = text(u16(where + "'s name length"), where + "'s name");
        long eta = i64(where + "'s etaUsec");
        long token = i64(where + "'s leaseToken");
        int retryCount = i32(where + "'s retryCount");
        long created = i64(where + "'s createdUsec");
        if ((flags & RETRY_LIMIT) != 0) {
            i32(where + "'s retryLimit"); // not part of LeasedTask
        }
        String tag = null;
        if ((flags & TAG) != 0) {
            int n = u16(where + "'s tag length");
            need(n, where + "'s tag");
            tag = utf8OrNull(n);
            at += n;
        }
        int size = i32(where + "'s payloadSize");
        byte[] payload = new byte[0];
        if ((flags & PAYLOAD) != 0) {
            if (size < 0) {
                throw malformed(where + "'s payloadSize " + Integer.toUnsignedString(size) + " is too large");
            }
            need(size, where + "'s payload");
            payload = Arrays.copyOfRange(body, at, at + size);
            at += size;
        }
        return new LeasedTask(queue, name, payload, tag, instant(eta), Long.toString(token), retryCount,
                instant(created));
    }

    /** A u32 count, refused when the bytes left cannot hold that many items of at least {@code min} bytes. */
    private int count(int min, String what) {
        int n = i32(what);
        if (n < 0 || (long) n * min > body.length - at) {
            throw malformed(what + " " + Integer.toUnsignedString(n) + " is more than the " + (body.length - at)
                    + " bytes left can hold (truncated?)");
        }
        return n;
    }

    /**
     * A tag that is valid UTF-8 as text; any other tag as {@code null}, as the JSON answer's {@code tagBase64} is
     * to this client (its {@link LeasedTask#tag()} is text).
     */
    private String utf8OrNull(int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, at, n))
                    .toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }

    private void need(int n, String what) {
        if (n > body.length - at) {
            throw malformed("truncated in " + what + " (needs " + n + " bytes, " + (body.length - at) + " left)");
        }
    }

    private int u8(String what) {
        need(1, what);
        return body[at++] & 0xff;
    }

    private int u16(String what) {
        need(2, what);
        int v = (body[at] & 0xff) << 8 | body[at + 1] & 0xff;
        at += 2;
        return v;
    }

    private int i32(String what) {
        need(4, what);
        int v = (body[at] & 0xff) << 24 | (body[at + 1] & 0xff) << 16 | (body[at + 2] & 0xff) << 8
                | body[at + 3] & 0xff;
        at += 4;
        return v;
    }

    private long i64(String what) {
        need(8, what);
        long hi = i32(what);
        return hi << 32 | i32(what) & 0xffffffffL;
    }

    private String text(int n, String what) {
        need(n, what);
        String s = new String(body, at, n, StandardCharsets.UTF_8);
        at += n;
        return s;
    }

    private static Instant instant(long usec) {
        return Instant.ofEpochSecond(Math.floorDiv(usec, 1_000_000), Math.floorMod(usec, 1_000_000) * 1000L);
    }

    private TransientException malformed(String why) {
        return new TransientException(200, null, "the server's compact lease answer (" + body.length
                + " bytes) is malformed at byte " + at + ": " + why + "; its tasks come back when their lease runs out",
                true, null);
    }
}
