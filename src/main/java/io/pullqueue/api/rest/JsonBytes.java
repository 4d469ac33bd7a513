package io.pullqueue.api.rest;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Task;
import java.util.List;

/**
 * The task shape of the native API (a task, a lease or listing of up to 1000 tasks) and a batch delete's results,
 * written straight to UTF-8 bytes. Building them as JSON-P objects first cost about a quarter of the server's CPU
 * in a drain (one map per task, the payload's base64 copied three times, {@code Instant.toString} per timestamp);
 * this writes each byte once. Timestamps are written as {@link JsonOutput#rfc3339} writes them.
 */
final class JsonBytes {
    private JsonBytes() {}

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
        Utf8JsonWriter w = new Utf8JsonWriter(estimate);
        w.ascii("{\"tasks\":[");
        for (int i = 0; i < tasks.size(); i++) {
            if (i > 0) {
                w.put((byte) ',');
            }
            writeTask(w, tasks.get(i), nowUsec);
        }
        w.put((byte) ']');
        if (nextPageToken != null) {
            w.ascii(",\"nextPageToken\":");
            w.string(nextPageToken);
        }
        if (names != null) {
            w.ascii(",\"deleted\":");
            results(w, names, codes);
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
        Utf8JsonWriter w = new Utf8JsonWriter(size(t));
        writeTask(w, t, nowUsec);
        return w.bytes();
    }

    /** {@code {"results":[{"name":...,"status":...},...]}}, one entry per name in order. */
    static byte[] deleteResults(List<String> names, List<ErrorCode> codes) {
        Utf8JsonWriter w = new Utf8JsonWriter(16 + resultsSize(names));
        w.ascii("{\"results\":");
        results(w, names, codes);
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
    private static void results(Utf8JsonWriter w, List<String> names, List<ErrorCode> codes) {
        w.put((byte) '[');
        for (int i = 0; i < names.size(); i++) {
            w.ascii(i == 0 ? "{\"name\":" : ",{\"name\":");
            w.string(names.get(i));
            w.ascii(",\"status\":\"");
            w.ascii(codes.get(i).name());
            w.ascii("\"}");
        }
        w.put((byte) ']');
    }

    private static void writeTask(Utf8JsonWriter w, Task t, long nowUsec) {
        w.ascii("{\"name\":");
        w.string(t.name());
        w.ascii(",\"queue\":");
        w.string(t.queue());
        if (t.payload() != null) {
            w.ascii(",\"payload\":\"");
            w.base64(t.payload());
            w.put((byte) '"');
        }
        w.ascii(",\"payloadSize\":");
        w.number(t.payloadSize());
        if (t.tag() != null && t.tag().isText()) {
            w.ascii(",\"tag\":");
            w.string(t.tag().text());
        } else if (t.tag() != null) {
            w.ascii(",\"tagBase64\":");
            w.string(t.tag().base64());
        }
        w.ascii(",\"eta\":\"");
        w.rfc3339(t.etaUsec());
        w.ascii("\",\"etaUsec\":");
        w.number(t.etaUsec());
        w.ascii(",\"leaseToken\":\"");
        w.number(t.etaUsec());
        w.ascii(t.isLeased(nowUsec) ? "\",\"leased\":true" : "\",\"leased\":false");
        w.ascii(",\"retryCount\":");
        w.number(t.retryCount());
        w.ascii(",\"created\":\"");
        w.rfc3339(t.createdUsec());
        w.ascii("\",\"createdUsec\":");
        w.number(t.createdUsec());
        if (t.retryLimit() != null) {
            w.ascii(",\"retryLimit\":");
            w.number(t.retryLimit());
        }
        w.put((byte) '}');
    }
}
