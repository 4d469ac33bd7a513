package io.pullqueue.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A lease call that outruns the lease deadline is answered with what it did. The guards here do what Open Liberty's
 * Fault Tolerance does for a synchronous {@code @Timeout} method (its {@code SyncExecutor}): run the method on the
 * calling thread and, once it has returned or thrown, replace its outcome with {@link TimeoutException} if the
 * deadline passed meanwhile.
 */
class FinishedWorkTest {

    /** A guard whose deadline passes while the work runs. */
    private static <T> T outrun(Supplier<T> work) {
        try {
            work.get();
        } catch (RuntimeException e) {
            // replaced, as Fault Tolerance replaces it
        }
        throw new TimeoutException();
    }

    /** Work that fails with {@code e}. */
    private static <T> Supplier<T> failing(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    /** A guard whose deadline does not pass. */
    private static <T> T inTime(Supplier<T> work) {
        return work.get();
    }

    @Test
    void aLeaseThatCommittedAfterTheDeadlineAnswersItsTasksNotATimeout() {
        List<String> leased = List.of("t1", "t2");
        assertSame(leased, FinishedWork.keep(FinishedWorkTest::outrun, () -> leased, "a lease", "q"));
    }

    @Test
    void aLeaseChangeThatCommittedAfterTheDeadlineAnswersTheNewToken() {
        assertEquals(42L, FinishedWork.keep(FinishedWorkTest::outrun, () -> 42L, "a lease change", "q"));
    }

    @Test
    void aFailureAfterTheDeadlineIsAnsweredAsItselfSoItSaysWhatHappened() {
        QueueException uncertain = new QueueException(ErrorCode.COMMIT_UNCERTAIN, "may or may not have committed");
        QueueException answered = assertThrows(
                QueueException.class,
                () -> FinishedWork.keep(FinishedWorkTest::outrun, failing(uncertain), "a lease", "q"));
        assertSame(uncertain, answered);
    }

    @Test
    void anyOtherFailureAfterTheDeadlineChangedNothingAndIsAnsweredAsTheTimeout() {
        // e.g. a wait for a pooled connection ended by the timeout's interrupt
        assertThrows(
                TimeoutException.class,
                () -> FinishedWork.keep(
                        FinishedWorkTest::outrun,
                        failing(new IllegalStateException("interrupted while waiting for a connection")),
                        "a lease",
                        "q"));
    }

    @Test
    void workThatNeverRanIsStillATimeout() {
        AtomicInteger runs = new AtomicInteger();
        assertThrows(
                TimeoutException.class,
                () -> FinishedWork.keep(
                        work -> {
                            throw new TimeoutException();
                        },
                        runs::incrementAndGet,
                        "a lease",
                        "q"));
        assertEquals(0, runs.get());
    }

    @Test
    void aCallInTimeIsAnsweredUnchanged() {
        assertEquals("done", FinishedWork.keep(FinishedWorkTest::inTime, () -> "done", "a lease", "q"));
        IllegalStateException e = new IllegalStateException("refused");
        assertSame(
                e,
                assertThrows(
                        IllegalStateException.class,
                        () -> FinishedWork.keep(FinishedWorkTest::inTime, failing(e), "a lease", "q")));
    }
}
