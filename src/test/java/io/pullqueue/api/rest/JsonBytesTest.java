package io.pullqueue.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Tag;
import io.pullqueue.core.Task;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte writer of tasks, leases, listings and batch-delete results writes exactly the documented shapes. */
class JsonBytesTest {
    private static final long NOW = 1_795_416_168_123_456L;

    private static JsonObject parse(byte[] json) {
        try (JsonReader r = Jsons.READERS.createReader(new ByteArrayInputStream(json))) {
            return r.readObject();
        }
    }

    private static JsonObject expected(List<Task> tasks, String next) {
        JsonArrayBuilder a = Jsons.BUILDERS.createArrayBuilder();
        tasks.forEach(t -> a.add(shape(t)));
        var b = Jsons.BUILDERS.createObjectBuilder().add("tasks", a);
        if (next != null) {
            b.add("nextPageToken", next);
        }
        return b.build();
    }

    /** The native API's task shape (docs/api.md), built field by field with JSON-P. */
    private static JsonObject shape(Task t) {
        var b = Jsons.BUILDERS.createObjectBuilder().add("name", t.name()).add("queue", t.queue());
        if (t.payload() != null) {
            b.add("payload", Base64.getEncoder().encodeToString(t.payload()));
        }
        b.add("payloadSize", t.payloadSize());
        if (t.tag() != null && t.tag().isText()) {
            b.add("tag", t.tag().text());
        } else if (t.tag() != null) {
            b.add("tagBase64", t.tag().base64());
        }
        b.add("eta", JsonOutput.rfc3339(t.etaUsec()))
                .add("etaUsec", t.etaUsec())
                .add("leaseToken", Long.toString(t.etaUsec()))
                .add("leased", t.isLeased(NOW))
                .add("retryCount", t.retryCount())
                .add("created", JsonOutput.rfc3339(t.createdUsec()))
                .add("createdUsec", t.createdUsec());
        if (t.retryLimit() != null) {
            b.add("retryLimit", t.retryLimit());
        }
        return b.build();
    }

    private static Task task(String name, byte[] payload, String tag, long eta, long created, Integer retryLimit) {
        return new Task(
                "q-1", name, payload, payload == null ? 7 : payload.length, Tag.of(tag), eta, 3, created, retryLimit);
    }

    @Test
    void tasksMatchTheJsonPShapeFieldForField() {
        byte[] binary = new byte[1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        List<Task> tasks = new ArrayList<>();
        tasks.add(task("plain", "hello".getBytes(StandardCharsets.UTF_8), null, NOW + 300_000_000L, NOW, null));
        tasks.add(task("bin_1-x", binary, "eu", NOW - 1, NOW - 5, 5));
        tasks.add(task("empty", new byte[0], "", NOW, NOW, 0));
        tasks.add(task("no-payload", null, "t", NOW, NOW, null));
        // Quotes, backslashes, control characters, 2-, 3- and 4-byte UTF-8.
        tasks.add(task("tags", new byte[] {1}, "q\"b\\s/\n\r\t\b\f\u0001\u001f é € 😀 x", NOW, NOW, null));
        // Timestamps: whole seconds, whole ms, µs, the epoch, before it, after year 9999, a leap day.
        tasks.add(task("t1", new byte[] {2}, null, 1_700_000_000_000_000L, 1_700_000_000_123_000L, null));
        tasks.add(task("t2", new byte[] {3}, null, 0L, -1L, null));
        tasks.add(task("t3", new byte[] {4}, null, 253_402_300_800_000_001L, 951_782_400_000_007L, null));
        tasks.add(task("t4", new byte[] {5}, null, Long.MAX_VALUE / 1000, -62_135_596_800_000_000L, null));
        for (String next : new String[] {null, "bmV4dA"}) {
            assertEquals(expected(tasks, next), parse(JsonBytes.tasks(tasks, NOW, next)));
        }
        assertEquals(expected(List.of(), null), parse(JsonBytes.tasks(List.of(), NOW, null)));
        for (Task t : tasks) {
            assertEquals(shape(t), parse(JsonBytes.task(t, NOW)));
        }
    }

    @Test
    void aLoneSurrogateBecomesAQuestionMarkAsInAnyUtf8Output() {
        Task t = task("n", new byte[0], "a\ud800b", NOW, NOW, null);
        JsonObject o = parse(JsonBytes.tasks(List.of(t), NOW, null))
                .getJsonArray("tasks")
                .getJsonObject(0);
        assertEquals(
                new String("a\ud800b".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), o.getString("tag"));
    }

    @Test
    void timestampsAreWrittenAsInstantWritesThem() {
        long[] samples = {
            0,
            1,
            999,
            1000,
            1_000_000,
            1_795_416_168_123_456L,
            1_795_416_168_123_000L,
            -1,
            -1_000_001,
            86_399_999_999L,
            253_402_300_799_999_999L,
            253_402_300_800_000_000L
        };
        for (long usec : samples) {
            Task t = task("n", new byte[0], null, usec, usec, null);
            JsonObject o = parse(JsonBytes.tasks(List.of(t), NOW, null))
                    .getJsonArray("tasks")
                    .getJsonObject(0);
            assertEquals(JsonOutput.rfc3339(usec), o.getString("eta"), "eta for " + usec);
            assertEquals(JsonOutput.rfc3339(usec), o.getString("created"), "created for " + usec);
        }
    }

    @Test
    void deleteResultsNameEachStatusInOrder() {
        JsonObject o = parse(JsonBytes.deleteResults(
                List.of("a", "b-2", "c_3"), List.of(ErrorCode.OK, ErrorCode.UNKNOWN_TASK, ErrorCode.TOMBSTONED_TASK)));
        JsonArrayBuilder a = Jsons.BUILDERS
                .createArrayBuilder()
                .add(Jsons.BUILDERS.createObjectBuilder().add("name", "a").add("status", "OK"))
                .add(Jsons.BUILDERS.createObjectBuilder().add("name", "b-2").add("status", "UNKNOWN_TASK"))
                .add(Jsons.BUILDERS.createObjectBuilder().add("name", "c_3").add("status", "TOMBSTONED_TASK"));
        assertEquals(Jsons.BUILDERS.createObjectBuilder().add("results", a).build(), o);
    }
}
