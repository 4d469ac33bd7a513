package it.io.pullqueue.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/**
 * Two hundred clients that send a request body one byte at a time hold connections, not server threads (issue 12,
 * finding 7: they held a thread each, 53 to 255, and a ping took 8.5 s): meanwhile the server's thread count stays
 * near where it was, and pings, adds and leases are answered.
 */
@MicroShedTest
class SlowClientsIT {
    private static final int SLOW = 200;

    private static double threads() {
        for (String line : Http.get("/metrics?scope=base").body().split("\n")) {
            if (line.startsWith("thread_count")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no thread_count in /metrics?scope=base");
    }

    @Test
    void slowBodiesHoldNoThreads() throws IOException {
        URI base = URI.create(Http.base());
        double idle = threads();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW; i++) {
                Socket s = new Socket(base.getHost(), base.getPort());
                slow.add(s);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/v1/queues/edge-queue/tasks HTTP/1.1\r\nHost: " + base.getHost()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            long worst = 0;
            for (int round = 0; round < 10; round++) {
                for (Socket s : slow) {
                    s.getOutputStream().write(' ');
                    s.getOutputStream().flush();
                }
                long t0 = System.nanoTime();
                assertEquals(200, Http.get("/api/v1/ping").status());
                worst = Math.max(worst, System.nanoTime() - t0);
                assertEquals(200, Http.get("/api/v1/queues/edge-queue").status());
            }
            double busy = threads();
            System.out.printf("slow clients: %d slow bodies open; threads %.0f idle, %.0f with them; slowest ping "
                    + "%.1f ms%n", SLOW, idle, busy, worst / 1e6);
            assertTrue(busy < idle + SLOW / 4.0, "slow bodies hold no thread each: " + idle + " -> " + busy);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }
}
