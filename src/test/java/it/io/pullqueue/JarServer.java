package it.io.pullqueue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pullqueue server run from the runnable JAR ({@code target/pullqueue.jar}, path in the system property
 * {@code pullqueue.it.jar}) on ports of its own, as an operator runs it: {@code java -jar} with environment
 * variables. For tests that start, stop and restart a server themselves.
 */
public final class JarServer implements AutoCloseable {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path workDir;
    private final Map<String, String> env;
    private final int port;
    private final List<String> commandPrefix;
    private final String host;
    private Process process;
    private Duration lastStartToReady;

    /**
     * A server whose working directory is {@code workDir} (its log goes to {@code server.log} there), with
     * {@code env} added to the environment; HTTP_PORT and HTTPS_PORT are chosen free unless given.
     */
    public JarServer(Path workDir, Map<String, String> env) {
        this(workDir, env, List.of(), "localhost");
    }

    /**
     * A server started through {@code commandPrefix} (for example {@code ip netns exec NAME}, which execs the JVM in
     * its place) and reached at {@code host}.
     */
    public JarServer(Path workDir, Map<String, String> env, List<String> commandPrefix, String host) {
        this.commandPrefix = List.copyOf(commandPrefix);
        this.host = host;
        this.workDir = workDir;
        this.env = new HashMap<>(env);
        this.env.putIfAbsent("HTTP_PORT", String.valueOf(freePort()));
        this.env.putIfAbsent("HTTPS_PORT", String.valueOf(freePort()));
        // The JAR extracts Liberty below this root; keep it with the test's files, not in the user's home.
        this.env.putIfAbsent("WLP_JAR_EXTRACT_ROOT", workDir.resolve("extract").toString());
        this.port = Integer.parseInt(this.env.get("HTTP_PORT"));
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("pullqueue.it.jar", "target/pullqueue.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no runnable JAR at " + jar.toAbsolutePath() + ": run mvn package");
        }
        return jar;
    }

    public String base() {
        return "http://" + host + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the server and waits (up to {@code timeout}) until {@code /health/ready} answers 200. */
    public JarServer start(Duration timeout) {
        try {
            Files.createDirectories(workDir);
            List<String> command = new ArrayList<>(commandPrefix);
            command.addAll(List.of(javaBin(), "-jar", jar().toAbsolutePath().toString()));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            workDir.resolve("server.log").toFile()));
            pb.environment().putAll(env);
            // A shell sets PWD; the JAR's default data directory (./pullqueue-data) is read from it.
            pb.environment().put("PWD", workDir.toAbsolutePath().toString());
            long t0 = System.nanoTime();
            process = pb.start();
            long deadline = t0 + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the server exited with " + process.exitValue() + "; see " + workDir.resolve("server.log"));
                }
                if (status("/health/ready") == 200) {
                    lastStartToReady = Duration.ofNanos(System.nanoTime() - t0);
                    return this;
                }
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
            throw new IllegalStateException("not ready within " + timeout + "; see " + workDir.resolve("server.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How long the last start took until the server was ready. */
    public Duration startToReady() {
        return lastStartToReady;
    }

    /** Stops the server as an operator would (SIGTERM to the JAR and the server it launched) and waits. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        ProcessHandle root = process.toHandle();
        var all = java.util.stream.Stream.concat(root.descendants(), java.util.stream.Stream.of(root))
                .toList();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        process = null;
    }

    /**
     * The threads of the server's JVMs ({@code jcmd PID Thread.print} for the JAR's process and those it launched),
     * for a test to show where a call waited; a line saying why when they cannot be had.
     */
    public synchronized String threadDump() {
        if (process == null) {
            return "(no server running)";
        }
        String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
        StringBuilder out = new StringBuilder();
        ProcessHandle root = process.toHandle();
        for (ProcessHandle h : java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants())
                .toList()) {
            out.append("--- process ").append(h.pid()).append('\n');
            try {
                Process p = new ProcessBuilder(jcmd, String.valueOf(h.pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .start();
                byte[] text = p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                out.append(new String(text, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append("(no thread dump: ").append(e.getMessage()).append(")\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out.append("(interrupted)").toString();
            }
        }
        return out.toString();
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    public int status(String path) {
        try {
            return CLIENT.send(
                            HttpRequest.newBuilder(URI.create(base() + path))
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

    @Override
    public void close() {
        stop();
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
