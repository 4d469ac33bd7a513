package io.pullqueue.worker;

/**
 * The server could not be reached or asked to come back later ({@code 503 TRANSIENT_ERROR}), and the client's
 * retries ran out. {@link #outcomeUnknown()} says whether the call may have taken effect (the request may have
 * reached the server before the connection broke): only then can a retried add create a second task.
 */
public final class TransientException extends PullQueueException {

    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    TransientException(int status, String reason, String message, boolean outcomeUnknown, Throwable cause) {
        super(status, reason, null, message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** True when the server may have carried out the call although no answer arrived. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
