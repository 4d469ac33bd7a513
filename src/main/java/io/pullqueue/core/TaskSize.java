package io.pullqueue.core;

import java.nio.charset.StandardCharsets;

/**
 * A pull task's size as App Engine measured it (semantics.md §2): the size of the serialized add request
 * ({@code TaskQueueAddRequest}) that carries it: queue name, task name (empty when the server picks one), ETA,
 * payload, mode PULL, tag and retry limit. Every door measures a task this way, so the same task is accepted or
 * refused through any of them; fields only an SDK adds (its app id) are not counted.
 */
public final class TaskSize {
    /** Field numbers of {@code TaskQueueAddRequest} (taskqueue_service.proto). */
    private static final int QUEUE_NAME = 1;

    private static final int TASK_NAME = 2;
    private static final int ETA_USEC = 3;
    private static final int BODY = 9;
    private static final int RETRY_PARAMETERS = 17;
    private static final int MODE = 18;
    private static final int TAG = 19;
    /** {@code TaskQueueRetryParameters.retry_limit}. */
    private static final int RETRY_LIMIT = 1;
    /** {@code TaskQueueMode.PULL}. */
    private static final int PULL = 1;

    private TaskSize() {}

    /**
     * @param name the requested name, or {@code null} when the server picks one
     * @param tag the tag, or {@code null} for none
     * @param retryLimit the task's retry limit, or {@code null}
     */
    public static long of(String queue, String name, long etaUsec, byte[] payload, Tag tag, Integer retryLimit) {
        long n = bytesField(QUEUE_NAME, utf8(queue))
                + bytesField(TASK_NAME, name == null ? 0 : utf8(name))
                + key(ETA_USEC)
                + varint(etaUsec)
                + bytesField(BODY, payload.length)
                + key(MODE)
                + varint(PULL);
        if (tag != null) {
            n += bytesField(TAG, tag.length());
        }
        if (retryLimit != null) {
            n += bytesField(RETRY_PARAMETERS, key(RETRY_LIMIT) + varint(retryLimit));
        }
        return n;
    }

    private static long bytesField(int field, long length) {
        return key(field) + varint(length) + length;
    }

    private static int key(int field) {
        return varint((long) field << 3);
    }

    /** Bytes of a protobuf varint; a negative int32 or int64 takes 10. */
    private static int varint(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
