package io.pullqueue.core;

/**
 * The outcome for one task of an add call.
 *
 * @param code OK, TASK_ALREADY_EXISTS, TOMBSTONED_TASK, SKIPPED (another task of the batch was invalid, so
 *     nothing was added), or the validation error of this task
 * @param name the task's name (the chosen one for unnamed tasks), or {@code null} if it was never chosen
 * @param nameChosen true when the server picked the name
 * @param etaUsec the task's ETA when added
 * @param error the validation error for this task, or {@code null}
 */
public record AddResult(ErrorCode code, String name, boolean nameChosen, long etaUsec, QueueException error) {
    public boolean ok() {
        return code == ErrorCode.OK;
    }

    /**
     * Why this task was not added, worded once for every door (the field at fault is {@code name}), or
     * {@code null} when it was added.
     */
    public QueueException failure() {
        if (error != null) {
            return error;
        }
        switch (code) {
            case OK:
                return null;
            case TASK_ALREADY_EXISTS:
                return new QueueException(code, "name", "a task named " + name + " already exists");
            case TOMBSTONED_TASK:
                return new QueueException(
                        code, "name", "the name " + name + " belongs to a deleted task and stays reserved");
            case SKIPPED:
                return new QueueException(code, "not added: another task of the batch was invalid");
            default:
                return new QueueException(code, "task " + name + ": " + code);
        }
    }
}
