package io.pullqueue.worker;

/**
 * One task's outcome in an add: {@code OK}, {@code TASK_ALREADY_EXISTS} or {@code TOMBSTONED_TASK} (the name
 * belongs to a task deleted in the last 9 days).
 */
public record AddResult(String name, String status) {

    public boolean added() {
        return "OK".equals(status);
    }
}
