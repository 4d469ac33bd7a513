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
}
