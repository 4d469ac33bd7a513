package io.pullqueue.worker;

/**
 * A call to pullqueue failed. {@link TransientException}: trying again later may succeed (the server was
 * unreachable or overloaded); {@link PermanentException}: the same call will fail the same way (bad input, an
 * unknown queue, a lease that is no longer yours).
 */
public abstract class PullQueueException extends RuntimeException {

    private final int status;
    private final String reason;
    private final String field;

    PullQueueException(int status, String reason, String field, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.reason = reason;
        this.field = field;
    }

    /** The HTTP status, or 0 when no answer came (connection error). */
    public int status() {
        return status;
    }

    /** The server's reason ({@code UNKNOWN_QUEUE}, {@code TASK_LEASE_EXPIRED}, ...), or {@code null}. */
    public String reason() {
        return reason;
    }

    /** The request field the server named as wrong, or {@code null}. */
    public String field() {
        return field;
    }

    /** Whether the server gave this reason. */
    public boolean is(String reason) {
        return reason.equals(this.reason);
    }
}
