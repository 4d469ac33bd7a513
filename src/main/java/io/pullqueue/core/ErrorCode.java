package io.pullqueue.core;

/**
 * The outcome codes of queue operations. Names and numbers mirror App Engine's
 * {@code TaskQueueServiceError.ErrorCode}, so every door can report them unchanged; the last two are pullqueue's
 * own and carry the number of App Engine's nearest code (TRANSIENT_ERROR), which the App Engine door reports.
 */
public enum ErrorCode {
    OK(0),
    UNKNOWN_QUEUE(1),
    TRANSIENT_ERROR(2),
    INTERNAL_ERROR(3),
    TASK_TOO_LARGE(4),
    INVALID_TASK_NAME(5),
    INVALID_QUEUE_NAME(6),
    INVALID_URL(7),
    INVALID_QUEUE_RATE(8),
    PERMISSION_DENIED(9),
    TASK_ALREADY_EXISTS(10),
    TOMBSTONED_TASK(11),
    INVALID_ETA(12),
    INVALID_REQUEST(13),
    UNKNOWN_TASK(14),
    TOMBSTONED_QUEUE(15),
    DUPLICATE_TASK_NAME(16),
    SKIPPED(17),
    TOO_MANY_TASKS(18),
    INVALID_PAYLOAD(19),
    INVALID_RETRY_PARAMETERS(20),
    INVALID_QUEUE_MODE(21),
    ACL_LOOKUP_ERROR(22),
    TRANSACTIONAL_REQUEST_TOO_LARGE(23),
    INCORRECT_CREATOR_NAME(24),
    TASK_LEASE_EXPIRED(25),
    QUEUE_PAUSED(26),
    INVALID_TAG(27),
    /** The store has no room for this write (a free-space floor, or the disk is full); nothing changed. */
    STORAGE_FULL(2),
    /**
     * The change reached the database but its commit failed in a way that does not tell whether it took effect
     * (for example the connection was lost during the commit); the error names what is uncertain.
     */
    COMMIT_UNCERTAIN(2);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    /** The App Engine wire number of this code. */
    public int number() {
        return number;
    }
}
