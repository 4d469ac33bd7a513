package io.pullqueue.worker.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerWorkerMetricsTest {

    @Test
    void countsOutcomesPerQueueAndTimesHandlers() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerWorkerMetrics m = new MicrometerWorkerMetrics(registry);
        m.done("q", 3, Duration.ofMillis(40));
        m.failed("q", 1, Duration.ofMillis(10), new IllegalStateException());
        m.renewed("q");
        m.givenBack("q", 2);
        m.deleted("q", 3);
        m.concurrency("q", 4);
        m.concurrency("q", 6);
        assertEquals(3, registry.get("pullqueue.worker.tasks").tags("queue", "q", "outcome", "done").counter().count());
        assertEquals(1, registry.get("pullqueue.worker.tasks").tags("outcome", "failed").counter().count());
        assertEquals(2, registry.get("pullqueue.worker.tasks").tags("outcome", "given_back").counter().count());
        assertEquals(40, registry.get("pullqueue.worker.handler").tags("outcome", "done").timer()
                .totalTime(TimeUnit.MILLISECONDS));
        assertEquals(6, registry.get("pullqueue.worker.concurrency").tags("queue", "q").gauge().value());
    }
}
