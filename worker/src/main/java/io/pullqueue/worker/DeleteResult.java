package io.pullqueue.worker;

/**
 * One name's outcome in a batch delete: {@code OK}, {@code UNKNOWN_TASK}, {@code TOMBSTONED_TASK} (already
 * deleted) or {@code INVALID_TASK_NAME}.
 */
public record DeleteResult(String name, String status) {

    /** True when the task is gone now: deleted by this call, or before. */
    public boolean gone() {
        return "OK".equals(status) || "TOMBSTONED_TASK".equals(status) || "UNKNOWN_TASK".equals(status);
    }
}
