package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueRetryParameters;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Task;
import io.pullqueue.service.Failures;
import io.pullqueue.service.QueueService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code QueryTasks}, for tools: the tasks of a queue in name order from {@code start_task_name} (inclusive),
 * at most {@code max_rows} (1–1000), with payloads. App Engine's other two scans (by ETA, by tag) are not
 * offered: a request with {@code start_eta_usec} or {@code start_tag} gets INVALID_REQUEST.
 */
record QueryCalls(QueueService service, String appId) {

    TaskQueueQueryTasksResponse query(TaskQueueQueryTasksRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        String queue = Wire.queue(r.getQueueName());
        if (r.hasStartEtaUsec() || r.hasStartTag()) {
            throw new QueueException(ErrorCode.INVALID_REQUEST, r.hasStartTag() ? "start_tag" : "start_eta_usec",
                    "pullqueue's QueryTasks scans by task name only; leave out start_eta_usec and start_tag");
        }
        int max = r.getMaxRows();
        String after = r.hasStartTaskName() && !r.getStartTaskName().isEmpty() ? Wire.name(r.getStartTaskName())
                : null;
        // The engine checks max_rows (as the page size); the start task, if it is still there, comes first.
        List<Task> page = service.listWithPayloads(queue, after, max).tasks();
        List<Task> tasks = new ArrayList<>(max);
        if (after != null) {
            fetch(queue, after).ifPresent(tasks::add);
        }
        tasks.addAll(page.subList(0, Math.min(page.size(), max - tasks.size())));
        TaskQueueQueryTasksResponse.Builder response = TaskQueueQueryTasksResponse.newBuilder();
        for (Task t : tasks) {
            TaskQueueQueryTasksResponse.Task.Builder b = response.addTaskBuilder()
                    .setTaskName(Wire.bytes(t.name()))
                    .setEtaUsec(t.etaUsec())
                    .setRetryCount(t.retryCount())
                    .setBodySize(t.payloadSize())
                    .setBody(ByteString.copyFrom(t.payload()))
                    .setCreationTimeUsec(t.createdUsec());
            if (t.tag() != null) {
                b.setTag(Wire.bytes(t.tag()));
            }
            if (t.retryLimit() != null) {
                b.setRetryParameters(TaskQueueRetryParameters.newBuilder().setRetryLimit(t.retryLimit()));
            }
        }
        return response.build();
    }

    /** The task with its payload, or empty if it is gone (deleted meanwhile, or never existed). */
    private Optional<Task> fetch(String queue, String name) {
        try {
            return Optional.of(service.get(queue, name));
        } catch (RuntimeException e) {
            ErrorCode c = Failures.translate(e).code();
            if (c == ErrorCode.UNKNOWN_TASK || c == ErrorCode.TOMBSTONED_TASK) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
