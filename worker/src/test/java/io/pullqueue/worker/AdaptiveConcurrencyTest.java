package io.pullqueue.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdaptiveConcurrencyTest {

    @Test
    void growsWithTheDueBacklogAtMostDoublingAndNeverPastTheMaximum() {
        AdaptiveConcurrency c = new AdaptiveConcurrency(1, 16, 1);
        c.onBacklog(1000, 1);
        assertEquals(2, c.limit());
        c.onBacklog(1000, 2);
        assertEquals(4, c.limit());
        c.onBacklog(1, 4);
        assertEquals(5, c.limit(), "busy handlers plus the one due task");
        c.onBacklog(1000, 5);
        c.onBacklog(1000, 10);
        c.onBacklog(1000, 16);
        assertEquals(16, c.limit());
    }

    @Test
    void anEmptyBacklogDoesNotShrinkButAnEmptyLeaseHalves() {
        AdaptiveConcurrency c = new AdaptiveConcurrency(2, 16, 16);
        c.onBacklog(0, 0);
        assertEquals(16, c.limit());
        c.onLease(4, 0);
        assertEquals(8, c.limit());
        c.onLease(4, 0);
        c.onLease(4, 0);
        c.onLease(4, 0);
        assertEquals(2, c.limit(), "never below the minimum");
    }

    @Test
    void aFullLeaseGrowsByOneAPartialOneLeavesTheLimit() {
        AdaptiveConcurrency c = new AdaptiveConcurrency(1, 3, 1);
        c.onLease(1, 1);
        assertEquals(2, c.limit());
        c.onLease(2, 1);
        assertEquals(2, c.limit());
        c.onLease(2, 2);
        c.onLease(3, 3);
        assertEquals(3, c.limit());
    }

    @Test
    void refusesLimitsOutOfOrder() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveConcurrency(0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveConcurrency(4, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveConcurrency(1, 4, 5));
    }
}
