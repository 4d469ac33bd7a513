package it.io.pullqueue.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Both servers on one PostgreSQL database report the same backlog, whichever took the adds and the lease. */
@EnabledIfSystemProperty(named = "pullqueue.it.store", matches = "postgres")
class BacklogTwoServersIT {
    private static final String Q = "backlog-cluster";
    private final Node a = new Node("A", Http.base());
    private final Node b = new Node("B", "http://localhost:" + System.getProperty("pullqueue.it.b.http.port"));

    @Test
    void everyServerReportsTheClusterWideFigures() throws Exception {
        a.post("/api/v1/queues/" + Q + ":purge", "");
        for (int i = 0; i < 5; i++) {
            a.post(
                    "/api/v1/queues/" + Q + "/tasks",
                    Json.createObjectBuilder().add("payload", "AQ==").build());
        }
        b.post(
                "/api/v1/queues/" + Q + "/tasks:lease",
                Json.createObjectBuilder()
                        .add("maxTasks", 2)
                        .add("leaseSeconds", 60)
                        .build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonObject fromA = null;
        JsonObject fromB = null;
        while (System.nanoTime() < deadline) {
            fromA = a.get("/api/v1/queues/" + Q + "/backlog");
            fromB = b.get("/api/v1/queues/" + Q + "/backlog");
            if (figures(fromA).equals("3/2") && figures(fromB).equals("3/2")) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals("3/2", figures(fromA), "server A: " + fromA);
        assertEquals("3/2", figures(fromB), "server B: " + fromB);
        a.post("/api/v1/queues/" + Q + ":purge", "");
    }

    private static String figures(JsonObject o) {
        return o.getInt("due") + "/" + o.getInt("inFlight");
    }
}
