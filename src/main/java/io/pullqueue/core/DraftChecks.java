package io.pullqueue.core;

import java.util.ArrayList;
import java.util.List;

/** The checks of one task of an add call (docs/semantics.md, Add and Limits). */
final class DraftChecks {
    private DraftChecks() {}

    /**
     * The tasks of one add call, checked: either every task as it will be stored, or, when any is invalid, the
     * call's results, since nothing is then added: each invalid task gets its error and every other task SKIPPED.
     */
    record Checked(List<NewTask> tasks, List<AddResult> refused) {}

    /**
     * @param refusals per task, an error its door found (that task counts as invalid with it), or {@code null}
     * @param queueError the queue's error (unknown or malformed), which App Engine's BulkAdd reports as the error of
     *     each task that is otherwise valid; {@code null} when the queue is fine
     */
    static Checked checkAll(
            String queue, List<TaskDraft> drafts, List<QueueException> refusals, QueueException queueError, long now) {
        List<NewTask> tasks = new ArrayList<>(drafts.size());
        List<QueueException> errors = new ArrayList<>(drafts.size());
        boolean anyInvalid = false;
        for (int i = 0; i < drafts.size(); i++) {
            QueueException error = refusals.get(i);
            NewTask task = null;
            if (error == null) {
                try {
                    task = check(queue, drafts.get(i), now);
                } catch (QueueException e) {
                    error = e;
                }
            }
            if (error == null && queueError != null) {
                error = queueError;
            }
            tasks.add(error == null ? task : null);
            errors.add(error);
            anyInvalid |= error != null;
        }
        if (!anyInvalid) {
            return new Checked(tasks, null);
        }
        List<AddResult> refused = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            QueueException e = errors.get(i);
            String name = drafts.get(i) == null ? null : drafts.get(i).name();
            refused.add(
                    e == null
                            ? new AddResult(ErrorCode.SKIPPED, name, false, 0, null)
                            : new AddResult(e.code(), name, false, 0, e));
        }
        return new Checked(null, refused);
    }

    /**
     * The task as it will be stored: checked against the limits, its ETA resolved, a name chosen when it has none.
     *
     * @throws QueueException naming the field at fault
     */
    static NewTask check(String queue, TaskDraft d, long now) {
        String name = d.name();
        if (name != null) {
            Validation.checkTaskName(name);
        }
        if (d.payload() == null) {
            throw new QueueException(ErrorCode.INVALID_REQUEST, "payload", "payload is required (it may be empty)");
        }
        Tag tag = d.tag();
        if (tag != null) {
            Validation.checkTag(tag, "tag");
        }
        if (d.retryLimit() != null && d.retryLimit() < 0) {
            throw new QueueException(
                    ErrorCode.INVALID_RETRY_PARAMETERS,
                    "retryLimit",
                    "retryLimit must be 0 or more, got " + d.retryLimit());
        }
        long eta = resolveEta(d, now); // the ETA before the size, in the stub's order
        long size = TaskSize.of(queue, name, eta, d.payload(), tag, d.retryLimit());
        if (size > Limits.MAX_TASK_BYTES) {
            throw new QueueException(
                    ErrorCode.TASK_TOO_LARGE,
                    "payload",
                    "task is " + size + " bytes as App "
                            + "Engine measures it (its add request: payload, tag, names, ETA); the limit is "
                            + Limits.MAX_TASK_BYTES + " bytes");
        }
        return name == null
                ? new NewTask(TaskNames.choose(now), d.payload(), tag, eta, d.retryLimit(), true)
                : new NewTask(name, d.payload(), tag, eta, d.retryLimit());
    }

    private static long resolveEta(TaskDraft d, long now) {
        if (d.etaUsec() != null && d.countdownSeconds() != null) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST, "countdownSeconds", "give either an eta or a countdown, not both");
        }
        long eta = now;
        if (d.countdownSeconds() != null) {
            double c = d.countdownSeconds();
            if (!(c >= 0 && c * Limits.USEC_PER_SECOND <= Limits.MAX_ETA_AHEAD_USEC)) {
                throw new QueueException(
                        ErrorCode.INVALID_ETA,
                        "countdownSeconds",
                        "countdown must be between 0 and 30 days (2592000 s), got " + c);
            }
            eta = now + Math.round(c * Limits.USEC_PER_SECOND);
        } else if (d.etaUsec() != null) {
            eta = d.etaUsec();
            if (eta < 0) {
                throw new QueueException(ErrorCode.INVALID_ETA, "eta", "eta must not be before 1970");
            }
            if (eta > now + Limits.MAX_ETA_AHEAD_USEC) {
                throw new QueueException(ErrorCode.INVALID_ETA, "eta", "eta must be at most 30 days in the future");
            }
        }
        return eta;
    }
}
