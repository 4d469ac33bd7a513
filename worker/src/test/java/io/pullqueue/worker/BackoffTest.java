package io.pullqueue.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheInitialWaitUpToTheMaximum() {
        Backoff top = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, () -> 0.999999999);
        assertEquals(100, top.delay(1).toMillis());
        assertEquals(200, top.delay(2).toMillis());
        assertEquals(800, top.delay(4).toMillis());
        assertEquals(1000, top.delay(5).toMillis());
        assertEquals(1000, top.delay(60).toMillis());
    }

    @Test
    void jitterSpreadsEachWaitOverItsUpperHalf() {
        Backoff bottom = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, () -> 0.0);
        assertEquals(50, bottom.delay(1).toMillis());
        assertEquals(400, bottom.delay(4).toMillis());
        assertEquals(500, bottom.delay(9).toMillis());
    }

    @Test
    void refusesAShrinkingOrEmptyBackoff() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5));
    }
}
