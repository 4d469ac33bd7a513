package io.pullqueue.store;

/**
 * A database failure inside a task store. The operation that raised it did not take effect: its transaction
 * was rolled back. The message names the operation and the queue; the cause is the driver's exception.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
