package io.pullqueue.service;

import io.pullqueue.core.CommitUncertainException;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.store.StoreException;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/** Turns any failure of a service call into the {@link QueueException} a door reports. */
public final class Failures {
    private static final Logger LOG = Logger.getLogger(Failures.class.getName());

    private Failures() {}

    /** Seconds a client should wait before retrying after a TRANSIENT_ERROR. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public static QueueException translate(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof QueueException q) {
            return q;
        }
        if (e instanceof BulkheadException) {
            return new QueueException(
                    ErrorCode.TRANSIENT_ERROR, "too many concurrent lease calls on this server; retry shortly");
        }
        if (e instanceof CommitUncertainException) {
            LOG.log(Level.WARNING, "commit outcome unknown: " + e.getMessage(), e);
            return new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    "the database may or may not have committed "
                            + "this change; read the state again before retrying");
        }
        if (e instanceof StoreException) {
            LOG.log(Level.WARNING, "store failure: " + e.getMessage(), e);
            return new QueueException(
                    ErrorCode.TRANSIENT_ERROR, "the database is not available right now; retry shortly");
        }
        if (e instanceof TimeoutException) {
            return new QueueException(ErrorCode.TRANSIENT_ERROR, "the lease call timed out; retry shortly");
        }
        LOG.log(Level.SEVERE, "internal error: " + e, e);
        return new QueueException(ErrorCode.INTERNAL_ERROR, "internal error; see the server log");
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e.getClass().getName().endsWith("EJBException"))
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
