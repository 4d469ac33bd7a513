package io.pullqueue.worker.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pullqueue server the tests start, stop and restart themselves: the command in {@code pullqueue.server.command}
 * (the top-level build passes {@code java -jar target/pullqueue.jar}) with its ports, queue.yaml and data directory
 * in the environment, on the embedded store. Without the property the tests are skipped.
 */
final class TestServer implements AutoCloseable {

    private final List<String> command;
    private final Path dir;
    private final Map<String, String> environment;
    private final int httpPort;
    private final int httpsPort;
    private Process process;
    private int starts;

    private TestServer(List<String> command, Path dir, Map<String, String> environment, int httpPort,
                       int httpsPort) {
        this.command = command;
        this.dir = dir;
        this.environment = environment;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    /** Starts a server with this queue.yaml in a fresh directory under {@code pullqueue.it.dir}. */
    static TestServer start(String name, String queueYaml) throws IOException, InterruptedException {
        return start(name, queueYaml, null);
    }

    /**
     * {@link #start(String, String)} with an API key file of these lines ({@code KEY EMAIL ROLES}): every caller
     * then needs one of its keys ({@code null}: no key file, callers on this machine need none).
     */
    static TestServer start(String name, String queueYaml, String apiKeys) throws IOException, InterruptedException {
        String cmd = System.getProperty("pullqueue.server.command", "").trim();
        assumeTrue(!cmd.isEmpty(), "no pullqueue.server.command: the worker's integration tests need a server");
        Path dir = Path.of(System.getProperty("pullqueue.it.dir", "target/it")).resolve(name + "-" + System.nanoTime());
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("queue.yaml"), queueYaml);
        Map<String, String> environment = Map.of();
        if (apiKeys != null) {
            Files.writeString(dir.resolve("api-keys"), apiKeys);
            environment = Map.of("PULLQUEUE_API_KEYS_FILE", dir.resolve("api-keys").toAbsolutePath().toString());
        }
        TestServer s = new TestServer(List.of(cmd.split("\\s+")), dir, environment, freePort(), freePort());
        s.launch();
        return s;
    }

    /** How long a start may take: a busy 2-core machine took 213 s (seconds; -Dpullqueue.it.start.seconds). */
    private static long startSeconds() {
        return Long.getLong("pullqueue.it.start.seconds", 420);
    }

    String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    /** Stops the server (SIGTERM, so it shuts down as an operator's stop would) and starts it again. */
    void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /**
     * SIGTERM to the launcher and to the server JVM it started (a runnable JAR runs the server in a child process),
     * so that the server stops as an operator's stop would; forced after a minute.
     */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
        process = null;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void launch() throws IOException, InterruptedException {
        starts++;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + starts + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("HTTPS_PORT", String.valueOf(httpsPort));
        env.put("HTTP_HOST", "localhost");
        env.put("PULLQUEUE_QUEUE_CONFIG", dir.resolve("queue.yaml").toAbsolutePath().toString());
        env.put("PULLQUEUE_DATA_DIR", dir.resolve("data").toAbsolutePath().toString());
        env.put("PULLQUEUE_STORE", "sqlite");
        env.put("PULLQUEUE_MAINTENANCE_SECONDS", "1");
        env.putAll(environment);
        // a runnable JAR unpacks itself here (not under ~/wlpExtract), so `mvn clean` removes what a kill leaves
        env.put("WLP_JAR_EXTRACT_ROOT", dir.resolve("extract").toAbsolutePath().toString());
        process = pb.start();
        try {
            awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            stop(); // never leave a server behind
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startSeconds());
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("the server was not ready within " + startSeconds() + " s: " + logTail());
    }

    private String logTail() throws IOException {
        String log = Files.readString(dir.resolve("server-" + starts + ".log"));
        return log.substring(Math.max(0, log.length() - 4000));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
