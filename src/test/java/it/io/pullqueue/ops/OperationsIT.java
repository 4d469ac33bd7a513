package it.io.pullqueue.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import it.io.pullqueue.Metrics;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/** Health, metrics and the served API description. */
@MicroShedTest
class OperationsIT {
    private static final String Q = "pull-queue";

    @Test
    void readyAndLive() {
        Http.Resp ready = Http.get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        JsonObject r = ready.json();
        assertEquals("UP", r.getString("status"));
        assertTrue(ready.body().contains("store"), ready.body());
        assertTrue(ready.body().contains("queue-config"), ready.body());
        assertEquals(200, Http.get("/health/live").status());
    }

    @Test
    void metricsShowBacklogAndLeases() throws Exception {
        Http.post("/api/v1/queues/" + Q + ":purge", "");
        for (int i = 0; i < 3; i++) {
            Http.post(
                    "/api/v1/queues/" + Q + "/tasks",
                    Json.createObjectBuilder()
                            .add("payload", Base64.getEncoder().encodeToString(new byte[] {1}))
                            .build());
        }
        Metrics.await("pullqueue_queue_tasks", "queue=\"" + Q + "\"", v -> v == 3, 30);
        Http.post(
                "/api/v1/queues/" + Q + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", 2)
                        .add("leaseSeconds", 60)
                        .build());
        Metrics.await("pullqueue_queue_in_flight", "queue=\"" + Q + "\"", v -> v == 2, 30);
        assertTrue(Metrics.value("pullqueue_tasks_leased_total", "queue=\"" + Q + "\"")
                        .orElse(0)
                >= 2);
        assertTrue(Metrics.value("pullqueue_lease_duration_seconds_count", "queue=\"" + Q + "\"")
                        .orElse(0)
                >= 1);
        Http.post("/api/v1/queues/" + Q + ":purge", "");
    }

    /** The README's tuning key (io.pullqueue.service.LeaseGuard/lease/Bulkhead/value) names a live bulkhead. */
    @Test
    void leaseRunsUnderTheFaultToleranceBulkhead() {
        Http.post(
                "/api/v1/queues/" + Q + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", 1)
                        .add("leaseSeconds", 1)
                        .build());
        String base = Http.get("/metrics?scope=base").body();
        assertTrue(
                base.lines()
                        .anyMatch(l -> l.startsWith("ft_bulkhead_calls_total{")
                                && l.contains("method=\"io.pullqueue.service.LeaseGuard.lease\"")),
                base);
    }

    @Test
    void openApiDescribesTheNativeApi() {
        Http.Resp r = Http.get("/openapi");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("/api/v1/queues/{queue}/tasks:lease"), "lease endpoint documented");
        assertEquals(200, Http.get("/openapi/ui/").status());
        assertEquals("ok", Http.get("/api/v1/ping").json().getString("status"));
    }
}
