package io.pullqueue.worker;

/** The server refused the call (a 4xx); repeating it unchanged fails the same way. */
public final class PermanentException extends PullQueueException {

    private static final long serialVersionUID = 1L;

    PermanentException(int status, String reason, String field, String message) {
        super(status, reason, field, message, null);
    }
}
