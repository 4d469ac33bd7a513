package io.pullqueue.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the client decides without a server: retries on a refused connection, and how answers are classified. */
class PullQueueClientTest {

    @Test
    void aRefusedConnectionIsRetriedWithBackoffThenReportedAsTransientWithNothingDone() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        List<Duration> waits = new ArrayList<>();
        PullQueueClient client = PullQueueClient.builder("http://127.0.0.1:" + port)
                .maxAttempts(4)
                .backoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, () -> 0.999999999))
                .sleeper(waits::add)
                .build();
        TransientException e = assertThrows(TransientException.class,
                () -> client.add("q", NewTask.of("x"))); // even an unnamed add: the request never left
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)),
                waits.stream().map(d -> Duration.ofMillis(d.toMillis())).toList());
        assertFalse(e.outcomeUnknown());
        assertEquals(0, e.status());
    }

    @Test
    void overloadIsRetriedAtLeastAsLateAsRetryAfter() {
        PullQueueClient.Failure f = PullQueueClient.Failure.classify(503, "TRANSIENT_ERROR", null, "busy",
                Duration.ofSeconds(2));
        assertTrue(f.retryable());
        assertFalse(f.outcomeUnknown());
        assertEquals(Duration.ofSeconds(2), f.retryAfter());
        assertTrue(PullQueueClient.Failure.classify(429, null, null, "slow down", null).retryable());
    }

    @Test
    void otherServerErrorsAreRetriedOnlyWhenRepeatingIsHarmless() {
        PullQueueClient.Failure f = PullQueueClient.Failure.classify(502, null, null, "HTTP 502", null);
        assertTrue(f.retryable());
        assertTrue(f.outcomeUnknown());
        TransientException e = (TransientException) f.exception("POST /q/tasks:batchAdd");
        assertTrue(e.getMessage().contains("may have taken effect"), e.getMessage());
    }

    @Test
    void refusalsArePermanentAndNameTheReasonAndField() {
        PullQueueClient.Failure f = PullQueueClient.Failure.classify(409, "TASK_LEASE_EXPIRED", null, "expired", null);
        assertFalse(f.retryable());
        PermanentException e = (PermanentException) f.exception("POST /q/tasks/a:modifyLease");
        assertTrue(e.is("TASK_LEASE_EXPIRED"));
        assertEquals(409, e.status());
        PermanentException bad = (PermanentException) PullQueueClient.Failure
                .classify(400, "INVALID_REQUEST", "maxTasks", "maxTasks must be ...", null).exception("lease");
        assertEquals("maxTasks", bad.field());
    }

    @Test
    void namesBecomeOnePathSegment() {
        assertEquals("order-17_a", PullQueueClient.segment("order-17_a"));
        assertEquals("a%2F..%2Fb", PullQueueClient.segment("a/../b").replace("%2E", "."));
        assertEquals("%C3%A9", PullQueueClient.segment("é"));
    }

    @Test
    void bearerCredentialsSetTheAuthorizationHeader() {
        HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://h/"));
        Credentials.bearer("k3y").apply(b);
        assertEquals(List.of("Bearer k3y"), b.build().headers().allValues("Authorization"));
        assertThrows(IllegalArgumentException.class, () -> Credentials.bearer("two words"));
    }
}
