package io.pullqueue.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N pullqueue servers on one PostgreSQL database, driven as one peer: each new session (one worker's connection)
 * goes to the next server in turn, so W workers are spread evenly over the servers. Queue-wide calls (fill, ready,
 * clear) go to the first server.
 */
final class ServersPeer implements Peer {
    static final String DATABASE = "pullqueue_bench_scale";

    private final List<PullqueuePeer> servers = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    ServersPeer(Path repo, Path work, int firstPort, int count) {
        for (int i = 0; i < count; i++) {
            servers.add(PullqueuePeer.onSharedDatabase(repo, work, firstPort + 2 * i, i + 1, DATABASE));
        }
    }

    List<PullqueuePeer> servers() {
        return servers;
    }

    @Override
    public String name() {
        return "pullqueue-postgres x" + servers.size();
    }

    @Override
    public void start() throws Exception {
        PostgresPeer.recreate(DATABASE);
        // One after another: the first creates the schema, the others find it.
        for (PullqueuePeer s : servers) {
            s.start();
        }
    }

    @Override
    public void clear() throws Exception {
        servers.get(0).clear();
    }

    @Override
    public long ready() throws Exception {
        return servers.get(0).ready();
    }

    @Override
    public void fill(long n, byte[] payload) throws Exception {
        Fill.parallel(this, n, payload, 4);
    }

    @Override
    public Session session() throws Exception {
        return servers.get(Math.floorMod(next.getAndIncrement(), servers.size())).session();
    }

    @Override
    public Map<String, String> describe() throws Exception {
        Map<String, String> d = new LinkedHashMap<>(servers.get(0).describe());
        d.put("runs as", servers.size() + " Liberty servers on 127.0.0.1 (ports " + servers.get(0).port() + ", +2, …),"
                + " one PostgreSQL database, jvm.options of the repo (-Xmx512m, G1)");
        return d;
    }

    @Override
    public void close() {
        for (PullqueuePeer s : servers) {
            s.close();
        }
        PostgresPeer.drop(DATABASE);
    }
}
