package it.io.pullqueue.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Two hundred slow clients, each sending a request body one byte every two seconds (well inside the read timeout,
 * so none is dropped), do not keep the server from answering: pings are answered while they are open, and the
 * server's threads stay bounded (at most one per slow body: the door reads a body on a thread of its own; the
 * pool may grow at once to pullqueue.http.threads, server.xml). The figures (threads before and during, ping times)
 * are printed, not asserted: performance is shown by reports, never by timed assertions.
 */
@MicroShedTest
class SlowBodiesIT {
    private static final int SLOW = Integer.getInteger("pullqueue.slow.clients", 200);
    private static final int BODY = 64;
    private static final String PATH = "/api/v1/queues/edge-queue/tasks";

    private static double threads() {
        for (String line : Http.get("/metrics?scope=base").body().split("\n")) {
            if (line.startsWith("thread_count{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no thread_count in /metrics?scope=base");
    }

    private static long pingMillis() {
        long t0 = System.nanoTime();
        assertEquals(200, Http.get("/api/v1/ping").status(), "a ping is answered while slow bodies are open");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void pingsAreAnsweredUnderSlowBodies() throws Exception {
        double before = threads();
        long idlePing = pingMillis();
        List<Socket> open = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            byte[] head = RawHttp.head("POST", PATH, "application/json", BODY);
            for (int i = 0; i < SLOW; i++) {
                Socket s = RawHttp.connect(Duration.ofSeconds(60));
                s.getOutputStream().write(head);
                s.getOutputStream().write('{');
                s.getOutputStream().flush();
                open.add(s);
            }
            // One more byte of each body every two seconds: never silent for the read timeout, never finished.
            trickle.scheduleAtFixedRate(
                    () -> {
                        for (Socket s : open) {
                            try {
                                s.getOutputStream().write(' ');
                                s.getOutputStream().flush();
                            } catch (IOException e) {
                                dropped.incrementAndGet();
                            }
                        }
                        sent.incrementAndGet();
                    },
                    2,
                    2,
                    TimeUnit.SECONDS);
            // Pings for as long as five rounds of bytes take (about ten seconds, every slow body open meanwhile).
            List<Long> pings = new ArrayList<>();
            double during = before;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (sent.get() < 5) {
                assertTrue(System.nanoTime() < deadline, "five rounds of slow bytes within two minutes");
                pings.add(pingMillis());
                during = Math.max(during, threads());
            }
            long slowest = pings.stream().mapToLong(Long::longValue).max().orElse(0);
            double mean = pings.stream().mapToLong(Long::longValue).average().orElse(0);
            System.out.printf(
                    "slow bodies: %d open (%d writes failed); server threads %.0f before, %.0f at most "
                            + "during; %d pings: idle %d ms, during mean %.0f ms, slowest %d ms%n",
                    SLOW, dropped.get(), before, during, pings.size(), idlePing, mean, slowest);
            // A slow body holds a thread while its door reads it, and no more than one.
            assertTrue(
                    during <= before + SLOW + 100,
                    "at most one server thread per slow body: " + during + " threads, " + before + " before");
        } finally {
            trickle.shutdownNow();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
