package io.pullqueue.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compact lease answer as the client reads it: bodies written here from the server's docs/api.md table, a JSON
 * answer of an older server read as before, and every truncated or garbled body refused with a
 * {@link PullQueueException} that says where, never an index error.
 */
class CompactLeaseTest {
    private static final long ETA = 1_795_416_468_123_456L;
    private static final long CREATED = 1_795_416_168_000_001L;

    /** A body as docs/api.md lays it out. */
    private static final class Body {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes); // big-endian

        Body header(String queue, boolean deleted, int tasks) {
            return run(() -> {
                out.writeBytes("PQL");
                out.writeByte(1);
                out.writeByte(deleted ? 1 : 0);
                text(queue, 2);
                out.writeInt(tasks);
            });
        }

        Body task(String name, byte[] payload, byte[] tag, Integer retryLimit) {
            return run(() -> {
                out.writeByte((payload != null ? 1 : 0) | (tag != null ? 2 : 0) | 4 | (retryLimit != null ? 8 : 0));
                text(name, 2);
                out.writeLong(ETA);
                out.writeLong(ETA);
                out.writeInt(3);
                out.writeLong(CREATED);
                if (retryLimit != null) {
                    out.writeInt(retryLimit);
                }
                if (tag != null) {
                    out.writeShort(tag.length);
                    out.write(tag);
                }
                out.writeInt(payload == null ? 0 : payload.length);
                if (payload != null) {
                    out.write(payload);
                }
            });
        }

        Body deleted(String... namesAndStatuses) {
            return run(() -> {
                out.writeInt(namesAndStatuses.length / 2);
                for (int i = 0; i < namesAndStatuses.length; i += 2) {
                    text(namesAndStatuses[i], 2);
                    text(namesAndStatuses[i + 1], 1);
                }
            });
        }

        void text(String s, int lengthBytes) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (lengthBytes == 1) {
                out.writeByte(b.length);
            } else {
                out.writeShort(b.length);
            }
            out.write(b);
        }

        Body run(IoStep step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    private interface IoStep {
        void run() throws IOException;
    }

    private static byte[] sample() {
        return new Body().header("q", true, 3)
                .task("bin", new byte[] {(byte) 0xff, 0, (byte) 0x80}, new byte[] {(byte) 0xc3}, 5)
                .task("empty", new byte[0], "eu-é".getBytes(StandardCharsets.UTF_8), null)
                .task("big", new byte[1024], null, null)
                .deleted("a", "OK", "b", "TOMBSTONED_TASK")
                .bytes();
    }

    @Test
    void everyTaskAndDeleteResultIsRead() {
        LeaseResult r = CompactLease.read("q", sample(), true);
        assertEquals(3, r.tasks().size());
        LeasedTask bin = r.tasks().get(0);
        assertEquals("q", bin.queue());
        assertEquals("bin", bin.name());
        assertArrayEquals(new byte[] {(byte) 0xff, 0, (byte) 0x80}, bin.payload());
        assertNull(bin.tag(), "a tag that is not UTF-8 is not text (as JSON's tagBase64 is to this client)");
        assertEquals(Long.toString(ETA), bin.leaseToken());
        assertEquals(Instant.parse("2026-11-23T06:47:48.123456Z"), bin.leaseExpiry());
        assertEquals(Instant.ofEpochSecond(1_795_416_168L, 1000), bin.created());
        assertEquals(3, bin.retryCount());
        assertArrayEquals(new byte[0], r.tasks().get(1).payload());
        assertEquals("eu-é", r.tasks().get(1).tag());
        assertEquals(1024, r.tasks().get(2).payload().length);
        assertEquals(List.of(new DeleteResult("a", "OK"), new DeleteResult("b", "TOMBSTONED_TASK")), r.deleted());
    }

    @Test
    void theAnswerIsReadByItsContentTypeSoAnOlderServersJsonStillWorks() {
        LeaseResult compact = PullQueueClient.leaseAnswer("q", "Application/Vnd.Pullqueue.Leased; x=1", sample(), true);
        assertEquals("bin", compact.tasks().get(0).name());
        byte[] json = ("{\"tasks\":[{\"name\":\"j\",\"queue\":\"q\",\"payload\":\"/wA=\",\"payloadSize\":2,\"tag\":\"t\","
                + "\"etaUsec\":" + ETA + ",\"leaseToken\":\"" + ETA + "\",\"retryCount\":1,\"createdUsec\":" + CREATED
                + "}],\"deleted\":[{\"name\":\"a\",\"status\":\"OK\"}]}").getBytes(StandardCharsets.UTF_8);
        LeaseResult old = PullQueueClient.leaseAnswer("q", "application/json", json, true);
        assertArrayEquals(new byte[] {(byte) 0xff, 0}, old.tasks().get(0).payload());
        assertEquals("t", old.tasks().get(0).tag());
        assertEquals(List.of(new DeleteResult("a", "OK")), old.deleted());
        assertTrue(CompactLease.ACCEPT.startsWith(CompactLease.TYPE + ","), "the compact answer is asked for first");
    }

    @Test
    void everyTruncationIsAClearTransientError() {
        byte[] whole = sample();
        for (int n = 0; n < whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            TransientException e = assertThrows(TransientException.class, () -> CompactLease.read("q", cut, true),
                    "cut at " + n);
            assertTrue(e.getMessage().contains("compact lease answer (" + n + " bytes) is malformed"), e.getMessage());
            assertTrue(e.outcomeUnknown(), "the lease may have happened");
        }
    }

    @Test
    void garbledBodiesAreRefusedSayingWhy() {
        byte[] whole = sample();
        assertMalformed(with(whole, 0, 'X'), "does not start with PQL");
        assertMalformed(with(whole, 3, 2), "version 2 is not one this client reads");
        assertMalformed(with(whole, 4, 3), "unknown header flags 3");
        assertMalformed(with(whole, 8, 0x7f), "the task count 2130706435 is more than"); // count 0x7f000003
        assertMalformed(with(whole, 12, 0x10 | 7), "unknown flags 23 in task 0");
        assertMalformed(Arrays.copyOf(whole, whole.length + 1), "1 bytes after the end");
        assertMalformed(CompactLease.ACCEPT.getBytes(StandardCharsets.UTF_8), "does not start with PQL");
        byte[] noDeleted = new Body().header("q", false, 0).bytes();
        assertMalformed(noDeleted, "no deleted section");
        assertTrue(CompactLease.read("q", noDeleted, false).deleted().isEmpty(), "fine for a call without deletes");
        assertMalformed(new Body().header("other", false, 0).bytes(), "it is for queue other, not q");
        byte[] hugePayload = new Body().header("q", false, 1).task("n", new byte[0], null, null).bytes();
        hugePayload[hugePayload.length - 4] = (byte) 0x80; // payloadSize 2^31
        assertMalformed(hugePayload, "payloadSize 2147483648 is too large");
        hugePayload[hugePayload.length - 4] = 0x7f;
        assertMalformed(hugePayload, "truncated in task 0's payload");
    }

    private static byte[] with(byte[] body, int at, int value) {
        byte[] b = body.clone();
        b[at] = (byte) value;
        return b;
    }

    private static void assertMalformed(byte[] body, String why) {
        TransientException e = assertThrows(TransientException.class, () -> CompactLease.read("q", body, true));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertFalse(e.is("TRANSIENT_ERROR"), "not the server's reason: the client's own finding");
    }
}
