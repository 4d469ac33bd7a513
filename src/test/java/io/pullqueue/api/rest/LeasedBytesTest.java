package io.pullqueue.api.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Tag;
import io.pullqueue.core.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compact lease answer carries every field of the JSON answer, byte for byte as docs/api.md lays it out (read
 * back with {@link LeasedBody}, written from the document), and is chosen only when Accept prefers it.
 */
class LeasedBytesTest {
    private static final long NOW = 1_795_416_168_123_456L;

    private static Task task(String name, byte[] payload, Tag tag, long eta, int retries, Integer retryLimit) {
        return new Task(
                "q-1", name, payload, payload == null ? 7 : payload.length, tag, eta, retries, NOW - 5, retryLimit);
    }

    @Test
    void everyFieldOfEveryTaskComesBackExactly() {
        byte[] binary = new byte[1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        List<Task> tasks = new ArrayList<>();
        tasks.add(task("plain", "hello".getBytes(StandardCharsets.UTF_8), null, NOW + 300_000_000L, 1, null));
        tasks.add(task("bin_1-x", binary, Tag.of("eu"), NOW + 1, 3, 5));
        tasks.add(task("empty", new byte[0], Tag.ofBytes(new byte[] {(byte) 0xff, 0, (byte) 0xc3}), NOW, 2, 0));
        tasks.add(task("long-tag", new byte[] {0}, Tag.ofBytes(new byte[500]), Long.MAX_VALUE, 1000, null));
        tasks.add(task("no-payload", null, Tag.of("é€😀"), -1, 0, Integer.MAX_VALUE));
        LeasedBody body = LeasedBody.read(LeasedBytes.leased("q-1", tasks, NOW, null, null));
        assertEquals("q-1", body.queue());
        assertNull(body.deleted(), "no deleteNames, no deleted section");
        assertEquals(tasks.size(), body.tasks().size());
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            LeasedBody.Task r = body.tasks().get(i);
            assertEquals(t.name(), r.name());
            assertArrayEquals(t.payload(), r.payload(), t.name());
            assertEquals(t.payloadSize(), r.payloadSize());
            assertArrayEquals(t.tag() == null ? null : t.tag().bytes(), r.tag(), t.name());
            assertEquals(t.etaUsec(), r.etaUsec());
            assertEquals(t.etaUsec(), r.leaseToken(), "the token is the one the JSON answer gives");
            assertEquals(t.isLeased(NOW), r.leased(), t.name());
            assertEquals(t.retryCount(), r.retryCount());
            assertEquals(t.createdUsec(), r.createdUsec());
            assertEquals(t.retryLimit(), r.retryLimit());
        }
    }

    @Test
    void theBytesAreTheDocumentedOnes() {
        Task t = new Task("q", "ab", new byte[] {(byte) 0x80, 0}, 2, Tag.of("t"), 0x0102030405060708L, 1, 9, null);
        byte[] b = LeasedBytes.leased("q", List.of(t), 0, List.of("x"), List.of(ErrorCode.OK));
        assertEquals(
                "50514c" + "01" + "01" + "0001" + "71" + "00000001" // PQL, version 1, deleted flag, queue "q", 1 task
                        + "07" + "0002" + "6162" // payload, tag, leased; name "ab"
                        + "0102030405060708" + "0102030405060708" // etaUsec, leaseToken
                        + "00000001" + "0000000000000009" // retryCount, createdUsec
                        + "0001" + "74" + "00000002" + "8000" // tag "t", payloadSize 2, payload
                        + "00000001" + "0001" + "78" + "02" + "4f4b", // 1 deleted: "x" OK
                HexFormat.of().formatHex(b));
    }

    @Test
    void deleteResultsComeInOrderAndAnEmptyListIsAnEmptySection() {
        LeasedBody body = LeasedBody.read(LeasedBytes.leased(
                "q",
                List.of(),
                NOW,
                List.of("a", "b-2", "c_3"),
                List.of(ErrorCode.OK, ErrorCode.UNKNOWN_TASK, ErrorCode.TOMBSTONED_TASK)));
        assertEquals(
                List.of(
                        new LeasedBody.Deleted("a", "OK"),
                        new LeasedBody.Deleted("b-2", "UNKNOWN_TASK"),
                        new LeasedBody.Deleted("c_3", "TOMBSTONED_TASK")),
                body.deleted());
        assertTrue(body.tasks().isEmpty());
        assertEquals(
                List.of(),
                LeasedBody.read(LeasedBytes.leased("q", List.of(), NOW, List.of(), List.of()))
                        .deleted());
    }

    @Test
    void aNameThatIsNotAsciiIsWrittenAsUtf8WithItsByteLength() {
        Task t = task("né", new byte[0], null, NOW, 1, null);
        assertEquals(
                "né",
                LeasedBody.read(LeasedBytes.leased("q", List.of(t), NOW, null, null))
                        .tasks()
                        .get(0)
                        .name());
    }

    @Test
    void theCompactAnswerIsChosenOnlyWhenAcceptRanksItAboveJson() {
        String type = LeasedBytes.TYPE;
        String[] compact = {
            type,
            type + ", application/json;q=0.5",
            "application/json;q=0.5, " + type,
            " " + type.toUpperCase() + " ;q=1.0 , application/json ; q=0.999",
            type + ";q=0.2, application/*;q=0.1",
            type + ", */*;q=0.9",
            type + ", text/html",
            "application/json;q=0, " + type + ";q=0.001",
        };
        for (String accept : compact) {
            assertTrue(LeasedBytes.wanted(List.of(accept)), accept);
        }
        assertTrue(LeasedBytes.wanted(List.of("application/json;q=0.5", type)), "Accept given twice");
        String[] json = {
            "",
            "application/json",
            "*/*",
            "application/*",
            type + ", application/json", // equal: JSON, as before the type existed
            type + ", */*",
            type + ";q=0.5, application/json",
            type + ";q=0, application/json;q=0",
            type + ";q=2",
            type + ";q=0.5x",
            type + ";q=",
            type + ";q=0.1234",
            type + "x",
            "application/vnd.pullqueue.leasedx, application/json;q=0.1",
            ",,;;q=,",
        };
        for (String accept : json) {
            assertFalse(LeasedBytes.wanted(List.of(accept)), accept);
        }
        assertFalse(LeasedBytes.wanted(null));
        assertFalse(LeasedBytes.wanted(List.of()));
    }
}
