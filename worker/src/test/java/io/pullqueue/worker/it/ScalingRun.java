package io.pullqueue.worker.it;

import io.pullqueue.worker.Backlog;
import io.pullqueue.worker.NewTask;
import io.pullqueue.worker.PullQueueClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The autoscaling experiment of docs/workers.md (run it with worker/scaling-run; not part of the build). One server,
 * a producer that ramps its add rate up, holds it and ramps it down, and worker processes ({@link ScalingWorker}):
 * <ol>
 * <li>"keda": a controller applies KEDA's rule to the real backlog figure every interval: desired =
 * ceil(due / target) within min and max; it starts processes at once when desired rises, and stops processes only
 * when desired stayed lower for the whole cooldown (the HPA's scale-down stabilisation window);</li>
 * <li>"fixed": the same load on a fixed pool of max processes.</li>
 * </ol>
 * It reports, per run: time to drain (from the producer's actual last add to the first second the queue was seen
 * empty), how late the producer's last add came against its schedule (a busy machine slows it), how long tasks
 * waited (p50/p99/max), worker-seconds (process lifetimes summed) until the queue was empty and in all (the
 * autoscaled pool keeps running through its cooldown), and peak processes. The queue is checked every second; the
 * controller acts every interval.
 */
public final class ScalingRun {

    // The experiment's knobs (see docs/workers.md for the figures they gave).
    private static final int PEAK_PER_SECOND = Integer.getInteger("peak", 600);
    private static final int RAMP_SECONDS = Integer.getInteger("ramp", 30);
    private static final int HOLD_SECONDS = Integer.getInteger("hold", 30);
    private static final int MIN = Integer.getInteger("min", 0);
    private static final int MAX = Integer.getInteger("max", 8);
    private static final int TARGET = Integer.getInteger("target", 100);
    private static final int INTERVAL_SECONDS = Integer.getInteger("interval", 5);
    private static final int COOLDOWN_SECONDS = Integer.getInteger("cooldown", 30);
    private static final int HANDLERS = Integer.getInteger("handlers", 4);
    private static final int WORK_MS = Integer.getInteger("workMs", 25);

    private ScalingRun() {
    }

    public static void main(String[] args) throws Exception {
        String queues = "queue:\n" + List.of("scale-keda", "scale-fixed").stream()
                .map(q -> "- name: " + q + "\n  mode: pull\n  lease_requests_per_second: 0\n")
                .collect(Collectors.joining());
        try (TestServer server = TestServer.start("scaling", queues)) {
            System.out.printf(Locale.ROOT, "load: 0 -> %d tasks/s over %d s, %d s at %d/s, down over %d s (%d tasks);"
                    + " a process: %d handlers x %d ms per task = %.0f tasks/s at most%n", PEAK_PER_SECOND,
                    RAMP_SECONDS, HOLD_SECONDS, PEAK_PER_SECOND, RAMP_SECONDS, totalTasks(), HANDLERS, WORK_MS,
                    HANDLERS * 1000.0 / WORK_MS);
            Result keda = run(server, "scale-keda", true);
            Result fixed = run(server, "scale-fixed", false);
            System.out.println();
            System.out.printf(Locale.ROOT, "KEDA rule: target %d due tasks per process, min %d, max %d, every %d s,"
                    + " cooldown %d s%n", TARGET, MIN, MAX, INTERVAL_SECONDS, COOLDOWN_SECONDS);
            System.out.println("| workers | drain after last add | producer late by | task wait p50 / p99 / max |"
                    + " worker-seconds until empty | worker-seconds in all | peak processes | tasks handled |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            System.out.println(keda.row("autoscaled (KEDA rule)"));
            System.out.println(fixed.row("fixed pool of " + MAX));
            System.out.printf(Locale.ROOT, "autoscaled / fixed: drain %.2f, worker-seconds until empty %.2f,"
                    + " in all %.2f%n", keda.drainSeconds() / fixed.drainSeconds(),
                    keda.workerSecondsUntilEmpty() / fixed.workerSecondsUntilEmpty(),
                    keda.workerSeconds() / fixed.workerSeconds());
        }
    }

    record Result(double drainSeconds, double producerLateSeconds, double p50, double p99, double max,
                  double workerSecondsUntilEmpty, double workerSeconds, int peak, long handled) {
        String row(String name) {
            return String.format(Locale.ROOT, "| %s | %.1f s | %.1f s | %.2f / %.2f / %.2f s | %.0f | %.0f | %d | %d |",
                    name, drainSeconds, producerLateSeconds, p50, p99, max, workerSecondsUntilEmpty, workerSeconds,
                    peak, handled);
        }
    }

    private static long totalTasks() {
        double s = 0;
        for (double t = 0; t < 2 * RAMP_SECONDS + HOLD_SECONDS; t += 0.1) {
            s += rate(t) * 0.1;
        }
        return Math.round(s);
    }

    /** The producer's rate at {@code t} seconds: up, hold, down. */
    private static double rate(double t) {
        if (t < RAMP_SECONDS) {
            return PEAK_PER_SECOND * t / RAMP_SECONDS;
        }
        if (t < RAMP_SECONDS + HOLD_SECONDS) {
            return PEAK_PER_SECOND;
        }
        double down = t - RAMP_SECONDS - HOLD_SECONDS;
        return down < RAMP_SECONDS ? PEAK_PER_SECOND * (1 - down / RAMP_SECONDS) : 0;
    }

    private static Result run(TestServer server, String queue, boolean autoscale) throws Exception {
        PullQueueClient client = PullQueueClient.builder(server.baseUrl()).build();
        Pool pool = new Pool(server.baseUrl(), queue);
        long start = System.nanoTime();
        AtomicLong lastAdd = new AtomicLong(start);
        Thread producer = new Thread(() -> produce(client, queue, start, lastAdd), "producer");
        producer.setDaemon(true);
        producer.start();
        if (!autoscale) {
            pool.resize(MAX);
        }
        try {
            return measure(client, queue, autoscale, pool, producer, start, lastAdd);
        } finally {
            pool.killAll();
        }
    }

    private static Result measure(PullQueueClient client, String queue, boolean autoscale, Pool pool,
                                  Thread producer, long start, AtomicLong lastAdd) throws Exception {
        Deque<long[]> desiredHistory = new ArrayDeque<>(); // {nanos, desired}
        long productionEnd = start + TimeUnit.SECONDS.toNanos(2L * RAMP_SECONDS + HOLD_SECONDS);
        double drain = -1;
        long emptyAt = 0;
        for (long tick = 1; ; tick++) {
            // every second: is the queue empty (the drain's end); every interval: the controller
            long next = start + TimeUnit.SECONDS.toNanos(tick);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            long now = System.nanoTime();
            if (drain < 0 && !producer.isAlive() && client.statistics(queue).tasks() == 0) {
                emptyAt = now;
                drain = Math.max(0, (now - lastAdd.get()) / 1e9);
            }
            boolean fixedPoolDone = !autoscale && drain >= 0;
            if (tick % INTERVAL_SECONDS != 0 && !fixedPoolDone) {
                continue;
            }
            Backlog b = client.backlog(queue);
            if (autoscale) {
                int desired = (int) Math.min(MAX, Math.max(MIN, Math.ceil((double) b.due() / TARGET)));
                desiredHistory.addLast(new long[] {now, desired});
                while (now - desiredHistory.peekFirst()[0] > TimeUnit.SECONDS.toNanos(COOLDOWN_SECONDS)) {
                    desiredHistory.removeFirst();
                }
                int stabilised = desiredHistory.stream().mapToInt(d -> (int) d[1]).max().orElse(desired);
                int target = desired > pool.size() ? desired : Math.min(pool.size(), stabilised);
                pool.resize(target);
                System.out.printf(Locale.ROOT, "%6.1f s  %s  due %5d  in flight %4d  desired %d  processes %d%n",
                        (now - start) / 1e9, queue, b.due(), b.inFlight(), desired, pool.size());
                if (drain >= 0 && pool.size() == MIN) {
                    break;
                }
            } else {
                System.out.printf(Locale.ROOT, "%6.1f s  %s  due %5d  in flight %4d  processes %d%n",
                        (now - start) / 1e9, queue, b.due(), b.inFlight(), pool.size());
                if (drain >= 0) {
                    break;
                }
            }
        }
        producer.join();
        pool.resize(0);
        long[] waits = pool.waits();
        long handled = Arrays.stream(waits).sum();
        return new Result(drain, Math.max(0, (lastAdd.get() - productionEnd) / 1e9), percentile(waits, 0.50),
                percentile(waits, 0.99), percentile(waits, 1.0), pool.workerSeconds(emptyAt),
                pool.workerSeconds(Long.MAX_VALUE), pool.peak(), handled);
    }

    private static void produce(PullQueueClient client, String queue, long start, AtomicLong lastAdd) {
        long added = 0;
        double total = 0;
        double end = 2.0 * RAMP_SECONDS + HOLD_SECONDS;
        try {
            for (double t = 0; t < end; t += 0.1) {
                total += rate(t) * 0.1;
                int n = (int) (Math.round(total) - added);
                if (n > 0) {
                    client.add(queue, IntStream.range(0, n).mapToObj(i -> NewTask.of("x")).toList());
                    lastAdd.set(System.nanoTime());
                    added += n;
                }
                long next = start + (long) ((t + 0.1) * 1e9);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The wait (s) below which {@code q} of the tasks fall, from the merged histogram. */
    private static double percentile(long[] histogram, double q) {
        long total = Arrays.stream(histogram).sum();
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (total > 0 && seen >= Math.ceil(q * total)) {
                return (i + 1) * ScalingWorker.BUCKET_MS / 1000.0;
            }
        }
        return 0;
    }

    /** One worker process, the file its output goes to, and when it started (ns). */
    private record Member(Process process, Path output, long started) {
    }

    /** When a worker process ran (ns). */
    private record Lifetime(long started, long ended) {
        double secondsUntil(long limit) {
            return Math.max(0, Math.min(ended, limit) - started) / 1e9;
        }
    }

    /** The worker processes: started and stopped (SIGTERM, graceful), their lifetimes and wait histograms summed. */
    private static final class Pool {
        private final String url;
        private final String queue;
        private final List<Member> running = new ArrayList<>();
        private final long[] waits = new long[ScalingWorker.BUCKETS];
        private final List<Lifetime> lifetimes = new ArrayList<>();
        private final Path outputDir = Path.of(System.getProperty("pullqueue.it.dir", "target/it"), "workers");
        private int reported; // processes whose DONE line was found
        private int peak;

        Pool(String url, String queue) {
            this.url = url;
            this.queue = queue;
        }

        int size() {
            return running.size();
        }

        int peak() {
            return peak;
        }

        /** The processes' lifetimes summed, each cut off at {@code limit} (ns). */
        double workerSeconds(long limit) {
            return lifetimes.stream().mapToDouble(l -> l.secondsUntil(limit)).sum();
        }

        long[] waits() {
            if (reported < lifetimes.size()) {
                System.out.println("only " + reported + " of " + lifetimes.size() + " worker processes reported"
                        + " their task waits: the wait figures miss the others' tasks");
            }
            return waits.clone();
        }

        void resize(int n) throws Exception {
            while (running.size() < n) {
                // its output goes to a file, read once it has exited: a pipe read while the process exits loses
                // the last lines ("Stream closed"), and the DONE line with the figures is the last one
                Files.createDirectories(outputDir);
                Path output = Files.createTempFile(outputDir, "worker-", ".log");
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), ScalingWorker.class.getName(), url, queue,
                        String.valueOf(HANDLERS), String.valueOf(WORK_MS)).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                running.add(new Member(p, output, System.nanoTime()));
            }
            peak = Math.max(peak, running.size());
            List<Member> stopping = new ArrayList<>();
            while (running.size() > n) {
                Member m = running.remove(running.size() - 1);
                m.process().destroy(); // SIGTERM: the worker gives back what it holds and prints its figures
                stopping.add(m);
            }
            for (Member m : stopping) {
                if (!m.process().waitFor(60, TimeUnit.SECONDS)) {
                    System.out.println("a worker process did not stop within 60 s of SIGTERM: killed");
                    m.process().destroyForcibly();
                }
                lifetimes.add(new Lifetime(m.started(), System.nanoTime()));
                collect(m.output());
            }
        }

        /** Adds a stopped process's wait histogram (its DONE line); shows any other line that is not routine. */
        private void collect(Path output) throws IOException {
            for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                if (line.startsWith("DONE ")) {
                    String[] f = line.split(" ");
                    for (int i = 0; i < ScalingWorker.BUCKETS; i++) {
                        waits[i] += Long.parseLong(f[i + 2]);
                    }
                    reported++;
                } else if (!line.equals("READY") && !line.startsWith("INFO: ")
                        && !line.contains(" io.pullqueue.worker.Worker")) {
                    System.out.println("  worker process: " + line);
                }
            }
        }

        /** Kills whatever still runs (after a failure). */
        void killAll() {
            running.forEach(m -> m.process().destroyForcibly());
            running.clear();
        }
    }
}
