package it.io.pullqueue.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.io.pullqueue.Http;
import it.io.pullqueue.Metrics;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/** A lease call may wait for tasks: it is woken by an add, or when a lease runs out. */
@MicroShedTest
class LongPollIT {
    private static final String Q = "poll-queue";

    @BeforeEach
    void empty() {
        NativeApi.purge(Q);
    }

    private static CompletableFuture<Http.Resp> waitingLease(int waitSeconds) {
        return CompletableFuture.supplyAsync(() -> NativeApi.lease(
                Q,
                Json.createObjectBuilder()
                        .add("maxTasks", 10)
                        .add("leaseSeconds", 60)
                        .add("waitSeconds", waitSeconds)));
    }

    @Test
    void aWaitingLeaseIsWokenByAnAdd() throws Exception {
        CompletableFuture<Http.Resp> waiting = waitingLease(20);
        // The task is added while the call waits; with no long-poll the call would return empty at once.
        awaitWaiters();
        String name = NativeApi.unique("woken");
        assertEquals(
                201,
                NativeApi.add(Q, NativeApi.task("wake up").add("name", name)).status());
        JsonArray tasks = waiting.get(30, TimeUnit.SECONDS).json().getJsonArray("tasks");
        assertEquals(1, tasks.size());
        assertEquals(name, tasks.getJsonObject(0).getString("name"));
    }

    @Test
    void aWaitingLeaseGetsATaskWhoseLeaseRanOut() throws Exception {
        NativeApi.add(Q, NativeApi.task("short"));
        JsonObject first = NativeApi.lease(Q, 1, 1).json().getJsonArray("tasks").getJsonObject(0);
        Http.Resp r = NativeApi.lease(
                Q,
                Json.createObjectBuilder()
                        .add("maxTasks", 10)
                        .add("leaseSeconds", 60)
                        .add("waitSeconds", 20));
        JsonArray tasks = r.json().getJsonArray("tasks");
        assertEquals(1, tasks.size(), r.body());
        assertEquals(first.getString("name"), tasks.getJsonObject(0).getString("name"));
        assertEquals(2, tasks.getJsonObject(0).getInt("retryCount"));
    }

    @Test
    void aWaitingLeaseReturnsEmptyWhenTimeIsUp() throws Exception {
        Http.Resp r = waitingLease(1).get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().getJsonArray("tasks").size());
    }

    /** Polls the server's waiter gauge until the lease call is parked. */
    private static void awaitWaiters() throws InterruptedException {
        Metrics.await("pullqueue_lease_waiting", "", v -> v >= 1, 10);
    }
}
