package io.pullqueue.api.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueRetryParameters;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TaskSize;
import org.junit.jupiter.api.Test;

/** {@link TaskSize} is the size of the add request App Engine's SDKs send for the task, as App Engine measured it. */
class TaskSizeTest {

    private static long serialized(String queue, String name, long eta, byte[] body, String tag, Integer retryLimit) {
        TaskQueueAddRequest.Builder b = TaskQueueAddRequest.newBuilder()
                .setQueueName(ByteString.copyFromUtf8(queue))
                .setTaskName(ByteString.copyFromUtf8(name == null ? "" : name))
                .setEtaUsec(eta)
                .setBody(ByteString.copyFrom(body))
                .setMode(TaskQueueMode.Mode.PULL);
        if (tag != null) {
            b.setTag(ByteString.copyFromUtf8(tag));
        }
        if (retryLimit != null) {
            b.setRetryParameters(TaskQueueRetryParameters.newBuilder().setRetryLimit(retryLimit));
        }
        return b.build().getSerializedSize();
    }

    @Test
    void theSizeIsTheSerializedAddRequest() {
        long now = 1_764_700_000_000_000L;
        for (int payload : new int[] {0, 1, 127, 128, 16_383, 16_384, 1 << 20}) {
            for (String name : new String[] {null, "t", "n".repeat(500)}) {
                for (String tag : new String[] {null, "red", "é".repeat(250)}) {
                    for (Integer limit : new Integer[] {null, 0, 5, 1_000_000}) {
                        for (long eta : new long[] {0, 127, now, now + 30L * 86_400_000_000L}) {
                            byte[] body = new byte[payload];
                            assertEquals(
                                    serialized("pull-queue", name, eta, body, tag, limit),
                                    TaskSize.of("pull-queue", name, eta, body, Tag.of(tag), limit),
                                    payload + " " + name + " " + tag + " " + limit + " " + eta);
                        }
                    }
                }
            }
        }
    }
}
