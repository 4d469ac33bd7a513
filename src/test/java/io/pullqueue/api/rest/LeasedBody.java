package io.pullqueue.api.rest;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of the compact lease answer written from docs/api.md's table, not from the server's writer, so that the
 * tests hold both to the document: {@code LeasedBytesTest} and the integration tests read answers with it.
 *
 * @param queue the header's queue
 * @param tasks the tasks, in order
 * @param deleted the deleted section, or {@code null} when its flag is not set
 */
public record LeasedBody(String queue, List<Task> tasks, List<Deleted> deleted) {

    /** One task of the answer; {@code tag} and {@code payload} {@code null} when absent, {@code retryLimit} too. */
    public record Task(
            String name,
            long etaUsec,
            long leaseToken,
            int retryCount,
            long createdUsec,
            Integer retryLimit,
            byte[] tag,
            int payloadSize,
            byte[] payload,
            boolean leased) {}

    public record Deleted(String name, String status) {}

    /** Reads a whole answer; an {@link AssertionError} for anything the document does not allow. */
    public static LeasedBody read(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body); // big-endian
        try {
            if (b.get() != 'P' || b.get() != 'Q' || b.get() != 'L') {
                throw new AssertionError("no PQL magic");
            }
            int version = b.get();
            if (version != 1) {
                throw new AssertionError("version " + version);
            }
            int flags = b.get();
            if ((flags & ~1) != 0) {
                throw new AssertionError("unknown header flags " + flags);
            }
            String queue = text(b, b.getShort() & 0xffff);
            int count = b.getInt();
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                tasks.add(task(b));
            }
            List<Deleted> deleted = null;
            if ((flags & 1) != 0) {
                deleted = new ArrayList<>();
                for (int i = b.getInt(); i > 0; i--) {
                    deleted.add(new Deleted(text(b, b.getShort() & 0xffff), text(b, b.get() & 0xff)));
                }
            }
            if (b.hasRemaining()) {
                throw new AssertionError(b.remaining() + " bytes after the answer");
            }
            return new LeasedBody(queue, tasks, deleted);
        } catch (BufferUnderflowException e) {
            throw new AssertionError("truncated answer of " + body.length + " bytes", e);
        }
    }

    private static Task task(ByteBuffer b) {
        int flags = b.get();
        if ((flags & ~15) != 0) {
            throw new AssertionError("unknown task flags " + flags);
        }
        String name = text(b, b.getShort() & 0xffff);
        long eta = b.getLong();
        long token = b.getLong();
        int retryCount = b.getInt();
        long created = b.getLong();
        Integer retryLimit = (flags & 8) != 0 ? b.getInt() : null;
        byte[] tag = (flags & 2) != 0 ? bytes(b, b.getShort() & 0xffff) : null;
        int payloadSize = b.getInt();
        byte[] payload = (flags & 1) != 0 ? bytes(b, payloadSize) : null;
        return new Task(name, eta, token, retryCount, created, retryLimit, tag, payloadSize, payload, (flags & 4) != 0);
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String text(ByteBuffer b, int n) {
        return new String(bytes(b, n), StandardCharsets.UTF_8);
    }
}
