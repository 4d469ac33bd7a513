package io.pullqueue.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Filling a queue through a peer's own add path, with several connections at once. */
final class Fill {
    private Fill() {
    }

    static void parallel(Peer peer, long n, byte[] payload, int threads) throws Exception {
        if (n <= 0) {
            return;
        }
        AtomicLong left = new AtomicLong(n);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    try (Peer.Session s = peer.session()) {
                        while (true) {
                            long before = left.getAndAdd(-peer.maxAddBatch());
                            if (before <= 0) {
                                return null;
                            }
                            s.add((int) Math.min(before, peer.maxAddBatch()), payload);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
