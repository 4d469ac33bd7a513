package io.pullqueue.core;

import java.util.List;

/**
 * A queue operation failed for a reason the caller can act on. Carries the App Engine error code, the
 * request field at fault (may be {@code null}) and a message that names the limit that was broken.
 */
public class QueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;
    private final List<String> taskNames;

    public QueueException(ErrorCode code, String field, String message) {
        this(code, field, message, List.of());
    }

    /** An error about named tasks, e.g. a {@link ErrorCode#COMMIT_UNCERTAIN} add and the names a retry must use. */
    public QueueException(ErrorCode code, String field, String message, List<String> taskNames) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
        this.taskNames = List.copyOf(taskNames);
    }

    public QueueException(ErrorCode code, String message) {
        this(code, null, message);
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field at fault, or {@code null} when the error concerns the request as a whole. */
    public String field() {
        return field;
    }

    /** The task names the error is about (for COMMIT_UNCERTAIN adds: every task's name, in request order). */
    public List<String> taskNames() {
        return taskNames;
    }

    /** The same error with the field name prefixed, e.g. {@code tasks[3].payload}. */
    public QueueException withFieldPrefix(String prefix) {
        String f = field == null ? prefix : prefix + "." + field;
        return new QueueException(code, f, getMessage(), taskNames);
    }
}
