package io.pullqueue.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/** The workloads, each measured from the client side. */
final class Workloads {
    /**
     * {@code answerBytes}: bytes of lease answers read (0 for peers that do not count them); {@code serverCpuNanos}:
     * the server process's CPU time during the drain (-1 when the harness does not own the process).
     */
    record Drain(String peer, int workers, int batch, long tasks, double seconds, long leaseCalls, boolean capped,
                 long answerBytes, long serverCpuNanos) {
        double rate() {
            return tasks / seconds;
        }

        /** Server CPU per task drained in µs, or -1 when not measured. */
        double serverCpuMicrosPerTask() {
            return serverCpuNanos < 0 || tasks == 0 ? -1 : serverCpuNanos / 1e3 / tasks;
        }

        /** Lease-answer bytes per task drained. */
        double answerBytesPerTask() {
            return tasks == 0 ? 0 : (double) answerBytes / tasks;
        }

        double leaseCallsPerSecond() {
            return leaseCalls / seconds;
        }
    }

    record Steady(String peer, int producers, int workers, int leaseBatch, int addBatch, double seconds, long added,
                  long deleted, long emptyLeases, double p50, double p99, double max) {
        double rate() {
            return deleted / seconds;
        }
    }

    record Backlog(String peer, long size, int batch, double p50, double p99, double max, long heap, long rss) {
    }

    record Ceiling(String peer, int workers, double pingPerSecond, double leasePerSecond, double addPerSecond) {
        double fraction() {
            return leasePerSecond / pingPerSecond;
        }

        double addFraction() {
            return addPerSecond / pingPerSecond;
        }
    }

    private final Settings settings;
    private final byte[] payload;

    Workloads(Settings settings) {
        this.settings = settings;
        this.payload = new byte[settings.payloadBytes()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
    }

    byte[] payload() {
        return payload;
    }

    /** Tops the queue up to {@code size} due tasks. */
    void topUp(Peer peer, long size) throws Exception {
        long ready = peer.ready();
        if (ready < size) {
            peer.fill(size - ready, payload);
        }
    }

    /**
     * A plain drain and the lease+delete drain of the same cell, measured back to back, the lease+delete one with
     * JSON answers and with compact ones.
     */
    record LeaseDelete(Drain plain, Drain combined, Drain compact) {
        double ratio() {
            return combined.rate() / plain.rate();
        }

        /** Compact answers against JSON ones, both lease+delete. */
        double compactRatio() {
            return compact.rate() / combined.rate();
        }
    }

    /** W workers lease B and delete until the queue is empty (or the time cap is reached). */
    Drain drain(Peer peer, int workers, int batch) throws Exception {
        return drain(peer, workers, batch, false, false);
    }

    /**
     * The drain, and with {@code leaseDelete} its variant where each lease call also deletes the previous batch
     * ({@link Peer.Session#leaseDeleting}): one call per batch instead of two. {@code compact} (pullqueue only): the
     * lease calls ask for the compact answer instead of JSON.
     */
    Drain drain(Peer peer, int workers, int batch, boolean leaseDelete, boolean compact) throws Exception {
        topUp(peer, settings.drainTasks());
        long capNanos = settings.drainCapSeconds() * 1_000_000_000L;
        LongAdder tasks = new LongAdder();
        LongAdder calls = new LongAdder();
        AtomicBoolean capped = new AtomicBoolean();
        List<Peer.Session> sessions = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            sessions.add(compact ? ((PullqueuePeer) peer).compactSession() : peer.session());
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            long[] start = new long[1];
            List<Future<?>> done = new ArrayList<>();
            for (Peer.Session s : sessions) {
                done.add(pool.submit(() -> {
                    go.await();
                    long deadline = start[0] + capNanos;
                    List<Object> previous = List.of();
                    while (true) {
                        List<Object> got = leaseDelete ? s.leaseDeleting(batch, previous) : s.lease(batch);
                        calls.increment();
                        tasks.add(previous.size()); // with leaseDelete: deleted by this call
                        if (got.isEmpty()) {
                            return null;
                        }
                        if (leaseDelete) {
                            previous = got;
                        } else {
                            s.delete(got);
                            tasks.add(got.size());
                        }
                        if (System.nanoTime() > deadline) {
                            capped.set(true);
                            if (!previous.isEmpty()) {
                                s.delete(previous);
                                tasks.add(previous.size());
                            }
                            return null;
                        }
                    }
                }));
            }
            long cpu0 = Procs.cpuNanos(peer.pid());
            start[0] = System.nanoTime();
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start[0]) / 1e9;
            long cpu1 = Procs.cpuNanos(peer.pid());
            long answerBytes = sessions.stream().mapToLong(Peer.Session::leaseAnswerBytes).sum();
            return new Drain(peer.name() + (leaseDelete ? " (lease+delete)" : "") + (compact ? " (compact)" : ""),
                    workers, batch, tasks.sum(), seconds, calls.sum(), capped.get(), answerBytes,
                    cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1);
        } finally {
            pool.shutdownNow();
            sessions.forEach(Peer.Session::close);
        }
    }

    /** Producers add in batches at full speed while workers lease and delete. */
    Steady steady(Peer peer) throws Exception {
        int producers = settings.steadyProducers();
        int workers = settings.steadyWorkers();
        int leaseBatch = Math.min(100, peer.maxLeaseBatch());
        int addBatch = Math.min(100, peer.maxAddBatch());
        peer.clear();
        LongAdder added = new LongAdder();
        LongAdder deleted = new LongAdder();
        LongAdder empty = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Latencies> lat = new ArrayList<>();
        List<Peer.Session> sessions = sessions(peer, producers + workers);
        ExecutorService pool = Executors.newFixedThreadPool(producers + workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                Peer.Session s = sessions.get(i);
                done.add(pool.submit(() -> {
                    while (!stop.get()) {
                        s.add(addBatch, payload);
                        added.add(addBatch);
                    }
                    return null;
                }));
            }
            for (int i = 0; i < workers; i++) {
                Peer.Session s = sessions.get(producers + i);
                Latencies l = new Latencies();
                lat.add(l);
                done.add(pool.submit(() -> {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        List<Object> got = s.lease(leaseBatch);
                        l.add(System.nanoTime() - t0);
                        if (got.isEmpty()) {
                            empty.increment();
                            Thread.sleep(1);
                            continue;
                        }
                        s.delete(got);
                        deleted.add(got.size());
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            Thread.sleep(settings.steadySeconds() * 1000L);
            long deletedAtEnd = deleted.sum();
            long addedAtEnd = added.sum();
            double seconds = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (Future<?> f : done) {
                f.get();
            }
            Latencies all = Latencies.merge(lat);
            return new Steady(peer.name(), producers, workers, leaseBatch, addBatch, seconds, addedAtEnd, deletedAtEnd,
                    empty.sum(), all.percentileMillis(50), all.percentileMillis(99), all.maxMillis());
        } finally {
            pool.shutdownNow();
            sessions.forEach(Peer.Session::close);
            peer.clear();
        }
    }

    /**
     * Lease latency with {@code size} queued tasks: one client leases min(100, max) tasks, deletes them and adds as
     * many back (untimed), so the backlog stays at {@code size}.
     */
    Backlog backlog(Peer peer, long size) throws Exception {
        topUp(peer, size);
        int batch = Math.min(100, peer.maxLeaseBatch());
        Latencies l = new Latencies();
        try (Peer.Session s = peer.session()) {
            for (int i = 0; i < settings.backlogIterations(); i++) {
                long t0 = System.nanoTime();
                List<Object> got = s.lease(batch);
                l.add(System.nanoTime() - t0);
                if (got.isEmpty()) {
                    throw new IOException(peer.name() + ": lease returned nothing with " + size + " queued");
                }
                s.delete(got);
                for (int left = got.size(); left > 0; left -= peer.maxAddBatch()) {
                    s.add(Math.min(left, peer.maxAddBatch()), payload);
                }
            }
        }
        Latencies all = Latencies.merge(List.of(l));
        return new Backlog(peer.name(), size, batch, all.percentileMillis(50), all.percentileMillis(99), all.maxMillis(),
                peer.heapAfterGc(), Procs.rss(peer.pid()));
    }

    /**
     * The HTTP stack's own rate (the no-op ping endpoint), the lease-call rate (lease 1, no delete) and the add-call
     * rate (add 1 unnamed task) with the same client and the same number of connections.
     */
    Ceiling ceiling(PullqueuePeer peer, int workers) throws Exception {
        long seconds = settings.ceilingSeconds();
        // Enough for the warm-up second and the measured seconds at 20,000 lease calls/s.
        topUp(peer, Math.max(settings.drainTasks(), (seconds + 2) * 20_000L));
        peer.recordPhase("ping-" + workers, true);
        double ping = rate(peer, workers, seconds, s -> {
            peer.ping(((Pinger) s).http);
            return true;
        }, "ping");
        peer.recordPhase("ping-" + workers, false);
        peer.recordPhase("lease1-" + workers, true);
        double lease = rate(peer, workers, seconds, s -> !s.lease(1).isEmpty(), "lease-1");
        peer.recordPhase("lease1-" + workers, false);
        peer.recordPhase("add1-" + workers, true);
        double add = rate(peer, workers, seconds, s -> {
            s.add(1, payload);
            return true;
        }, "add-1");
        peer.recordPhase("add1-" + workers, false);
        return new Ceiling(peer.name(), workers, ping, lease, add);
    }

    private interface Call {
        boolean run(Peer.Session s) throws Exception;
    }

    /** A session that only holds an HTTP connection, for the ping loop. */
    private static final class Pinger implements Peer.Session {
        final Http http;

        Pinger(int port) {
            http = new Http("127.0.0.1", port);
        }

        @Override
        public List<Object> lease(int n) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(List<Object> handles) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void add(int n, byte[] p) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            http.close();
        }
    }

    private double rate(PullqueuePeer peer, int workers, long seconds, Call call, String what) throws Exception {
        boolean ping = what.equals("ping");
        List<Peer.Session> sessions = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            sessions.add(ping ? new Pinger(peer.port()) : peer.session());
        }
        LongAdder count = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean counting = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Peer.Session s : sessions) {
                done.add(pool.submit(() -> {
                    while (!stop.get()) {
                        if (!call.run(s)) {
                            throw new IOException(what + " returned nothing during the ceiling run");
                        }
                        if (counting.get()) {
                            count.increment();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1000);
            counting.set(true);
            long t0 = System.nanoTime();
            long cpu0 = Procs.cpuNanos(peer.pid());
            Thread.sleep(seconds * 1000);
            long n = count.sum();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long cpu1 = Procs.cpuNanos(peer.pid());
            if (cpu0 >= 0 && cpu1 >= 0 && n > 0) {
                Bench.log("%s %s W=%d: %.0f calls/s, server CPU %.0f µs per call (%.2f cores)", peer.name(),
                        what, workers, n / elapsed, (cpu1 - cpu0) / 1e3 / n, (cpu1 - cpu0) / 1e9 / elapsed);
            }
            stop.set(true);
            for (Future<?> f : done) {
                f.get();
            }
            return n / elapsed;
        } finally {
            pool.shutdownNow();
            sessions.forEach(Peer.Session::close);
        }
    }

    /** Appends 4 KiB and fdatasyncs, repeatedly: the disk's bound on individually durable commits. */
    static double fsyncRate(Path dir, double seconds) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("fsync-probe.bin");
        ByteBuffer block = ByteBuffer.allocate(4096);
        long n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                block.clear();
                ch.write(block);
                ch.force(false);
                n++;
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<Peer.Session> sessions(Peer peer, int n) throws Exception {
        List<Peer.Session> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(peer.session());
        }
        return out;
    }
}
