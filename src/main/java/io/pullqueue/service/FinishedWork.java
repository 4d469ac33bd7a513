package io.pullqueue.service;

import io.pullqueue.core.CommitUncertainException;
import io.pullqueue.core.QueueException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Keeps the outcome of a lease call that outran Fault Tolerance's {@code @Timeout}. On a synchronous method the
 * timeout interrupts the calling thread when the deadline passes, and when the method returns, whatever it did,
 * Fault Tolerance answers {@link TimeoutException} in its place. For a lease that committed after its 10 s deadline,
 * that answer would say "timed out, retry" while the tasks are leased (and their retry counts raised) until their
 * lease runs out; for a lease change, the client would lose the new lease token. So the work's own outcome is
 * recorded as it ends, and when Fault Tolerance reports a timeout for work that did end, that outcome is answered
 * instead: its result, late, or its own refusal or "commit outcome unknown". Work that failed otherwise changed
 * nothing, and the timeout is answered (the interrupt may have been what ended it: the timeout keeps that use, it ends
 * waits that can be interrupted).
 */
final class FinishedWork {
    private static final Logger LOG = Logger.getLogger(FinishedWork.class.getName());

    private FinishedWork() {}

    /**
     * Runs {@code work} through {@code guarded} (a method of {@link LeaseGuard}) and answers the work's own outcome
     * when the guard reports a timeout after the work ended.
     *
     * @param what the call, for the log line ("a lease")
     * @param queue its queue, for the log line
     */
    static <T> T keep(Function<Supplier<T>, T> guarded, Supplier<T> work, String what, String queue) {
        Outcome<T> outcome = new Outcome<>();
        try {
            return guarded.apply(() -> {
                try {
                    T value = work.get();
                    outcome.value = value;
                    outcome.ended = true;
                    return value;
                } catch (RuntimeException e) {
                    outcome.failure = e;
                    outcome.ended = true;
                    throw e;
                }
            });
        } catch (TimeoutException e) {
            if (!outcome.ended) {
                throw e;
            }
            LOG.warning(() ->
                    what + " on queue " + queue + " ended after its Fault Tolerance deadline; answering what it did"
                            + (outcome.failure == null ? "" : " (it failed: " + outcome.failure.getMessage() + ")"));
            if (outcome.failure instanceof QueueException || outcome.failure instanceof CommitUncertainException) {
                throw outcome.failure; // a refusal, or a commit of unknown outcome: it says what happened
            }
            if (outcome.failure != null) {
                throw e; // it failed, so nothing changed: "timed out, retry" is true (and the interrupt may be why)
            }
            return outcome.value;
        }
    }

    /** Written and read on the calling thread: the guard runs synchronous work on the thread that calls it. */
    private static final class Outcome<T> {
        T value;
        RuntimeException failure;
        boolean ended;
    }
}
