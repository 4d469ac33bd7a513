package io.pullqueue.core;

/**
 * Thrown by a {@link TaskStore} when a write's commit failed in a way that does not tell whether the change took
 * effect (the connection was lost while committing, an I/O error after the commit record may have been written).
 * Every other failure of a store write means that nothing changed. The engine turns it into
 * {@link ErrorCode#COMMIT_UNCERTAIN} naming what a retry needs.
 */
public class CommitUncertainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommitUncertainException(String message, Throwable cause) {
        super(message, cause);
    }
}
