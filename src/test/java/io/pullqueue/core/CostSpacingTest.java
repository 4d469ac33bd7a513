package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Bookkeeping that scans a queue runs again no sooner than twenty times as long as its last run took: counting or
 * sweeping a large backlog on every pass would keep a database connection of every server busy.
 */
class CostSpacingTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;
    private static final long T0 = 123_456_789L; // nanoTime has an arbitrary origin

    private final CostSpacing spacing = new CostSpacing("counting the tasks", 5 * S);

    @Test
    void aQueueNeverRunIsDue() {
        assertTrue(spacing.due("q", T0));
    }

    @Test
    void aRunShorterThanATwentiethOfThePassChangesNothing() {
        assertEquals(0, spacing.ran("q", T0, T0 + 250 * MS), "not spaced out");

        assertTrue(spacing.due("q", T0 + 250 * MS), "runs again at the next pass, whenever that is");
    }

    @Test
    void aSlowRunWaitsTwentyTimesItsDuration() {
        assertEquals(20 * S, spacing.ran("q", T0, T0 + S));

        assertFalse(spacing.due("q", T0 + 5 * S));
        assertFalse(spacing.due("q", T0 + 20 * S - 1));
        assertTrue(spacing.due("q", T0 + 20 * S));
        assertTrue(spacing.due("other", T0 + 5 * S), "each queue on its own");
    }

    @Test
    void aQuickerRunBringsTheQueueBackToEveryPass() {
        spacing.ran("q", T0, T0 + S);
        assertEquals(0, spacing.ran("q", T0 + 20 * S, T0 + 20 * S + 100 * MS));

        assertTrue(spacing.due("q", T0 + 25 * S));
    }

    @Test
    void aForgottenQueueIsDueAgain() {
        spacing.ran("q", T0, T0 + S);
        spacing.ran("kept", T0, T0 + S);

        spacing.retain("kept"::equals);

        assertTrue(spacing.due("q", T0 + S));
        assertFalse(spacing.due("kept", T0 + S));
    }
}
