package io.pullqueue.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Starting, probing and stopping the server processes the harness owns. */
final class Procs {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private Procs() {
    }

    /** Starts a process with its output going to {@code log}. */
    static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs a command to completion and returns its output; fails on a non-zero exit. */
    static String run(List<String> command, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        File out = File.createTempFile("bench-cmd", ".log");
        try {
            pb.redirectOutput(out);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + " from " + command + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    /** Waits until something accepts connections on 127.0.0.1:port. */
    static void awaitPort(int port, long timeoutMillis, Process owner) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (owner != null && !owner.isAlive()) {
                    throw new IOException("process exited before listening on " + port + " (exit " + owner.exitValue() + ")");
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("nothing listening on 127.0.0.1:" + port + " after " + timeoutMillis + " ms");
                }
                Thread.sleep(100);
            }
        }
    }

    /** True if something already listens on 127.0.0.1:port. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ends a process the harness started: politely, then forcibly. */
    static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Resident set size of a process in bytes (Linux), or -1. */
    /** CPU time (user + system) the process has used so far, in nanoseconds (/proc/PID/stat; -1 when unknown). */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime), in clock ticks (100 per second on Linux)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long rss(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use after a full GC of a JVM we started, through jcmd; -1 if that fails. */
    static long heapAfterGc(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            run(List.of(jcmd, Long.toString(pid), "GC.run"), Map.of(), 60);
            Matcher m = HEAP_USED.matcher(run(List.of(jcmd, Long.toString(pid), "GC.heap_info"), Map.of(), 60));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Deletes a directory tree if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
