package io.pullqueue.api.appengine;

import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueServiceError;
import io.pullqueue.core.AddResult;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TaskDraft;
import io.pullqueue.service.QueueService;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Add} (Go's single add) and {@code BulkAdd} (every other client), by the service's BulkAdd rules: what
 * this door refuses (another app or queue, a transaction) joins the service's validation
 * of each task, so a batch with any invalid task adds nothing and reports every task's own outcome.
 */
record AddCalls(QueueService service, String appId) {

    TaskQueueBulkAddResponse bulkAdd(TaskQueueBulkAddRequest request) {
        TaskQueueBulkAddResponse.Builder response = TaskQueueBulkAddResponse.newBuilder();
        for (Outcome o : add(request.getAddRequestList())) {
            TaskQueueBulkAddResponse.TaskResult.Builder r =
                    response.addTaskResultBuilder().setResult(code(o.code));
            if (o.chosenName != null) {
                r.setChosenTaskName(Wire.bytes(o.chosenName));
            }
        }
        return response.build();
    }

    /** A single add: any outcome but OK is the call's application error. */
    TaskQueueAddResponse add(TaskQueueAddRequest request) {
        Outcome o = add(List.of(request)).get(0);
        if (o.code != ErrorCode.OK) {
            throw o.error;
        }
        TaskQueueAddResponse.Builder response = TaskQueueAddResponse.newBuilder();
        if (o.chosenName != null) {
            response.setChosenTaskName(Wire.bytes(o.chosenName));
        }
        return response.build();
    }

    private record Outcome(ErrorCode code, String chosenName, QueueException error) {}

    private List<Outcome> add(List<TaskQueueAddRequest> adds) {
        if (adds.isEmpty()) {
            return List.of();
        }
        String queue = Wire.queue(adds.get(0).getQueueName());
        List<TaskDraft> drafts = new ArrayList<>(adds.size());
        List<QueueException> refused = new ArrayList<>(adds.size());
        boolean pullTasks = true;
        for (TaskQueueAddRequest a : adds) {
            QueueException e = refusal(a, queue);
            refused.add(e);
            drafts.add(e == null ? draft(a) : null);
            pullTasks &= a.getMode() == TaskQueueMode.Mode.PULL;
        }
        List<Outcome> outcomes = new ArrayList<>(adds.size());
        for (AddResult r : service.bulkAdd(queue, drafts, refused, pullTasks)) {
            outcomes.add(new Outcome(r.code(), r.ok() && r.nameChosen() ? r.name() : null, r.failure()));
        }
        return outcomes;
    }

    /** What this door refuses before the service sees the task, or {@code null}. */
    private QueueException refusal(TaskQueueAddRequest a, String queue) {
        try {
            Wire.checkAppId(a.getAppId(), appId);
            if (!a.getQueueName().toStringUtf8().equals(queue)) {
                return new QueueException(
                        ErrorCode.INVALID_REQUEST,
                        "queue_name",
                        "every task of one BulkAdd must " + "name the same queue; the first names " + queue);
            }
            if (a.hasTransaction() || a.hasDatastoreTransaction()) {
                return new QueueException(
                        ErrorCode.INVALID_REQUEST,
                        "transaction",
                        "transactional tasks are not supported: pullqueue has no datastore");
            }
            return null;
        } catch (QueueException e) {
            return e;
        }
    }

    private static TaskDraft draft(TaskQueueAddRequest a) {
        String name = a.getTaskName().isEmpty() ? null : Wire.name(a.getTaskName());
        Tag tag = a.hasTag() ? Wire.tag(a.getTag()) : null;
        Integer retryLimit = a.hasRetryParameters() && a.getRetryParameters().hasRetryLimit()
                ? a.getRetryParameters().getRetryLimit()
                : null;
        byte[] body = a.hasBody() ? a.getBody().toByteArray() : null;
        return new TaskDraft(name, body, tag, a.getEtaUsec(), null, retryLimit);
    }

    static TaskQueueServiceError.ErrorCode code(ErrorCode c) {
        return TaskQueueServiceError.ErrorCode.forNumber(c.number());
    }
}
