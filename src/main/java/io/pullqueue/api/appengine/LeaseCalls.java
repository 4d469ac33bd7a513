package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksResponse;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.service.Failures;
import io.pullqueue.service.QueueService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** A worker's methods: {@code QueryAndOwnTasks} (lease), {@code ModifyTaskLease} and {@code Delete}. */
record LeaseCalls(QueueService service, String appId) {
    /** Whole-queue errors that Delete reports once per name, as App Engine does. */
    private static final Set<ErrorCode> PER_NAME_QUEUE_ERRORS = Set.of(
            ErrorCode.UNKNOWN_QUEUE,
            ErrorCode.TOMBSTONED_QUEUE,
            ErrorCode.INVALID_QUEUE_NAME,
            ErrorCode.INVALID_QUEUE_MODE);

    TaskQueueQueryAndOwnTasksResponse lease(TaskQueueQueryAndOwnTasksRequest r) {
        String queue = Wire.queue(r.getQueueName());
        TagFilter filter = TagFilter.of(r.getGroupByTag(), r.hasTag() ? Wire.tag(r.getTag()) : null);
        List<Task> leased = service.lease(queue, r.getMaxTasks(), r.getLeaseSeconds(), filter);
        TaskQueueQueryAndOwnTasksResponse.Builder response = TaskQueueQueryAndOwnTasksResponse.newBuilder();
        for (Task t : leased) {
            TaskQueueQueryAndOwnTasksResponse.Task.Builder b = response.addTaskBuilder()
                    .setTaskName(Wire.bytes(t.name()))
                    .setEtaUsec(t.etaUsec())
                    .setRetryCount(t.retryCount())
                    .setBody(ByteString.copyFrom(t.payload()));
            if (t.tag() != null) {
                b.setTag(Wire.bytes(t.tag()));
            }
        }
        return response.build();
    }

    TaskQueueModifyTaskLeaseResponse modifyLease(TaskQueueModifyTaskLeaseRequest r) {
        long eta = service.modifyLease(
                Wire.queue(r.getQueueName()), Wire.name(r.getTaskName()), r.getEtaUsec(), r.getLeaseSeconds());
        return TaskQueueModifyTaskLeaseResponse.newBuilder()
                .setUpdatedEtaUsec(eta)
                .build();
    }

    /** One result per name; a bad queue is reported for every name, other whole-call errors as the call's. */
    TaskQueueDeleteResponse delete(TaskQueueDeleteRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        List<String> names = new ArrayList<>(r.getTaskNameCount());
        for (ByteString n : r.getTaskNameList()) {
            names.add(Wire.name(n));
        }
        List<ErrorCode> results;
        if (names.isEmpty()) {
            results = List.of();
        } else {
            try {
                results = service.delete(Wire.queue(r.getQueueName()), names);
            } catch (RuntimeException e) {
                QueueException q = Failures.translate(e);
                if (!PER_NAME_QUEUE_ERRORS.contains(q.code())) {
                    throw q;
                }
                results = Collections.nCopies(names.size(), q.code());
            }
        }
        TaskQueueDeleteResponse.Builder response = TaskQueueDeleteResponse.newBuilder();
        results.forEach(c -> response.addResult(AddCalls.code(c)));
        return response.build();
    }
}
