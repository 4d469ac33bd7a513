package it.io.pullqueue.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import it.io.pullqueue.Metrics;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/** The backlog figure autoscalers read: JSON at /api/v1/queues/{queue}/backlog, and the same in the metrics. */
@MicroShedTest
class BacklogIT {
    private static final String Q = "backlog-queue";
    private static final String PATH = "/api/v1/queues/" + Q + "/backlog";

    @Test
    void dueInFlightAndOldestAgeAsJsonAndInTheMetrics() throws Exception {
        Http.post("/api/v1/queues/" + Q + ":purge", "");
        long before = Instant.now().toEpochMilli() * 1000;
        for (int i = 0; i < 3; i++) {
            Http.post(
                    "/api/v1/queues/" + Q + "/tasks",
                    Json.createObjectBuilder().add("payload", "AQ==").build());
        }
        Http.post(
                "/api/v1/queues/" + Q + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", 1)
                        .add("leaseSeconds", 60)
                        .build());
        // The figure is refreshed periodically: wait for one read after these calls, not an older one that happens
        // to show the same counts.
        JsonObject b = awaitBacklog(o ->
                o.getJsonNumber("asOfUsec").longValue() >= before && o.getInt("due") == 2 && o.getInt("inFlight") == 1);
        assertEquals(Q, b.getString("queue"));
        assertEquals(3, b.getInt("tasks"));
        assertTrue(b.getJsonNumber("asOfUsec").longValue() >= before, b.toString());
        double age = b.getJsonNumber("oldestDueAgeSeconds").doubleValue();
        assertTrue(age >= 0 && age < 600, b.toString());
        assertEquals(
                Instant.parse(b.getString("asOf")).toEpochMilli(),
                b.getJsonNumber("asOfUsec").longValue() / 1000);

        String label = "queue=\"" + Q + "\"";
        assertEquals(2, Metrics.value("pullqueue_queue_due", label).orElse(-1));
        assertEquals(1, Metrics.value("pullqueue_queue_in_flight", label).orElse(-1));
        Http.post("/api/v1/queues/" + Q + ":purge", "");
        awaitBacklog(o -> o.getInt("due") == 0
                && o.getInt("tasks") == 0
                && o.getJsonNumber("oldestDueAgeSeconds").doubleValue() == 0);
    }

    @Test
    void anUnknownQueueIsA404NamingIt() {
        Http.Resp r = Http.get("/api/v1/queues/no-such-queue/backlog");
        assertEquals(404, r.status(), r.body());
        assertEquals("UNKNOWN_QUEUE", r.reason());
    }

    /** Polls until the snapshot (refreshed by the maintenance timer) shows the expected figures. */
    private static JsonObject awaitBacklog(java.util.function.Predicate<JsonObject> ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            Http.Resp r = Http.get(PATH);
            assertEquals(200, r.status(), r.body());
            last = r.json();
            if (ok.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("backlog did not reach the expected figures in 30 s; last " + last);
    }
}
