package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Tag;

/** Conversions between the protocol's byte strings and the service's values. */
final class Wire {
    private Wire() {}

    /**
     * A queue name. Names are ASCII, so bytes that are not UTF-8 simply make an invalid name. An empty name is
     * UNKNOWN_QUEUE, as App Engine's stub answers it.
     */
    static String queue(ByteString name) {
        if (name.isEmpty()) {
            throw new QueueException(ErrorCode.UNKNOWN_QUEUE, "queue_name", "queue_name is empty");
        }
        return name.toStringUtf8();
    }

    /** A task name, decoded leniently: a name that is not UTF-8 fails the name pattern in the service. */
    static String name(ByteString name) {
        return name.toStringUtf8();
    }

    /** A tag: any bytes, kept exactly as sent; empty means none. */
    static Tag tag(ByteString tag) {
        return tag.isEmpty() ? null : Tag.ofBytes(tag.toByteArray());
    }

    static ByteString bytes(Tag tag) {
        return ByteString.copyFrom(tag.bytes());
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** The caller's app id is this server's: empty, {@code appId}, or {@code appId} with a partition prefix. */
    static void checkAppId(ByteString given, String appId) {
        if (given.isEmpty()) {
            return;
        }
        String id = given.toStringUtf8();
        if (!id.substring(id.indexOf('~') + 1).equalsIgnoreCase(appId)) {
            throw new QueueException(
                    ErrorCode.PERMISSION_DENIED,
                    "app_id",
                    "app_id " + id + " is not served here; this server's app id is " + appId);
        }
    }
}
