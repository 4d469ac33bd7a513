package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueRetryParameters;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Tag;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskQuery;
import io.pullqueue.service.Failures;
import io.pullqueue.service.QueueService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code QueryTasks}, for tools: App Engine's stub's three scans, each from its start position (inclusive), at
 * most {@code max_rows} (1–1000) tasks with payloads:
 * <ul>
 *   <li>{@code start_tag} set: the tasks with exactly that tag in (ETA, name) order, from
 *       ({@code start_eta_usec}, {@code start_task_name}); an empty tag has no tasks;</li>
 *   <li>only {@code start_eta_usec} set: every task in (ETA, name) order from ({@code start_eta_usec},
 *       {@code start_task_name});</li>
 *   <li>neither: every task in name order from {@code start_task_name}.</li>
 * </ul>
 */
record QueryCalls(QueueService service, String appId) {
    /** The greatest valid task name: ETA order after (eta - 1, this) is every task with an ETA of eta or later. */
    private static final String LAST_NAME = "z".repeat(Limits.MAX_TASK_NAME_LENGTH);

    TaskQueueQueryTasksResponse query(TaskQueueQueryTasksRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        String queue = Wire.queue(r.getQueueName());
        int max = r.getMaxRows();
        String start = r.hasStartTaskName() && !r.getStartTaskName().isEmpty() ? Wire.name(r.getStartTaskName()) : null;
        List<Task> tasks = r.hasStartTag() || r.hasStartEtaUsec()
                ? byEta(queue, r.hasStartTag(), Wire.tag(r.getStartTag()), r.getStartEtaUsec(), start, max)
                : byName(queue, start, max);
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

    /** Name order: the engine checks max_rows (as the page size); the start task, if it is still there, first. */
    private List<Task> byName(String queue, String start, int max) {
        List<Task> page = service.listWithPayloads(queue, start, max).tasks();
        List<Task> tasks = new ArrayList<>(max);
        if (start != null) {
            fetch(queue, start).ifPresent(tasks::add);
        }
        tasks.addAll(page.subList(0, Math.min(page.size(), max - tasks.size())));
        return tasks;
    }

    /**
     * (ETA, name) order from (eta, start), of one tag's tasks when {@code byTag}: the search's page after that
     * position, behind the start task itself when it is there with that ETA (and tag). The search leaves payloads
     * out, so each task is read with its payload; one deleted meanwhile is left out.
     */
    private List<Task> byEta(String queue, boolean byTag, Tag tag, long eta, String start, int max) {
        if (max < 1 || max > Limits.MAX_LIST_PAGE_SIZE) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    "max_rows",
                    "max_rows must be between 1 and " + Limits.MAX_LIST_PAGE_SIZE + ", got " + max);
        }
        if (byTag && tag == null) {
            return List.of();
        }
        TaskQuery.Cursor after = start != null
                ? new TaskQuery.Cursor(eta, start)
                : eta > 0 ? new TaskQuery.Cursor(eta - 1, LAST_NAME) : null;
        List<Task> tasks = new ArrayList<>(max);
        if (start != null) {
            fetch(queue, start)
                    .filter(t -> t.etaUsec() == eta && (!byTag || tag.equals(t.tag())))
                    .ifPresent(tasks::add);
        }
        for (Task t : service.search(queue, TaskQuery.State.ANY, byTag ? tag : null, TaskQuery.Order.ETA, after, max)
                .tasks()) {
            if (tasks.size() == max) {
                break;
            }
            fetch(queue, t.name()).ifPresent(tasks::add);
        }
        return tasks;
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
