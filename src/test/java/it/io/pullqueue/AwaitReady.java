package it.io.pullqueue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Waits until each given server answers {@code /health/ready} with 200, or fails the build after a deadline. Run
 * by the build after it starts the integration-test servers: Liberty's start goal waits for the server, not for
 * the application in it, which on a busy machine becomes ready many seconds later.
 * {@code AwaitReady <seconds> <port> [<port> ...]}.
 */
public final class AwaitReady {

    private AwaitReady() {}

    public static void main(String[] args) throws InterruptedException {
        long deadline =
                System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[0])).toNanos();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 1; i < args.length; i++) {
            URI ready = URI.create("http://localhost:" + args[i] + "/health/ready");
            long start = System.nanoTime();
            int status = -1;
            while (status != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(ready + " did not answer 200 in time (last: " + status + ")");
                }
                status = status(client, ready);
                if (status != 200) {
                    Thread.sleep(250); // polling a server that is starting, not waiting for time to pass
                }
            }
            System.out.println("[pullqueue] " + ready + " ready after "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        }
    }

    private static int status(HttpClient client, URI uri) {
        try {
            return client.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
