package io.pullqueue.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * beanstalkd from Debian with its binlog on, fsync every {@code fsyncMillis} ms ({@code -f 0}: on every write).
 * Driven over its text protocol with a raw socket (TCP_NODELAY): {@code reserve-with-timeout 0} then
 * {@code delete}; one job per reserve, its protocol's maximum.
 */
final class BeanstalkPeer implements Peer {
    private static final String TUBE = "bench";
    private final Path work;
    private final int port;
    private final int fsyncMillis;
    private Process process;

    BeanstalkPeer(Path work, int port, int fsyncMillis) {
        this.work = work.resolve("beanstalkd-f" + fsyncMillis);
        this.port = port;
        this.fsyncMillis = fsyncMillis;
    }

    @Override
    public String name() {
        return "beanstalkd -f " + fsyncMillis;
    }

    @Override
    public int maxLeaseBatch() {
        return 1;
    }

    @Override
    public void start() throws Exception {
        if (Procs.listening(port)) {
            throw new IOException("port " + port + " is busy");
        }
        Procs.deleteTree(work);
        Files.createDirectories(work.resolve("binlog"));
        process = Procs.start(List.of("beanstalkd", "-l", "127.0.0.1", "-p", Integer.toString(port),
                "-b", work.resolve("binlog").toString(), "-f", Integer.toString(fsyncMillis)), Map.of(), work.resolve("beanstalkd.log"));
        Procs.awaitPort(port, 10_000, process);
    }

    @Override
    public void clear() throws Exception {
        Procs.stop(process);
        start();
    }

    @Override
    public long ready() throws Exception {
        try (Conn c = new Conn()) {
            String stats = c.command("stats-tube " + TUBE);
            for (String line : stats.split("\n")) {
                if (line.startsWith("current-jobs-ready:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return 0;
        }
    }

    @Override
    public void fill(long n, byte[] payload) throws Exception {
        Fill.parallel(this, n, payload, 2);
    }

    @Override
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public Session session() throws IOException {
        return new Conn();
    }

    @Override
    public Map<String, String> describe() throws Exception {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("version", Procs.run(List.of("beanstalkd", "-v"), Map.of(), 10).trim() + " (Debian package)");
        d.put("durability", "binlog on (-b), " + (fsyncMillis == 0 ? "-f 0: fsync after every write"
                : "-f " + fsyncMillis + ": fsync at most every " + fsyncMillis + " ms (its default)"));
        d.put("runs as", "beanstalkd -l 127.0.0.1 -p " + port + " -b <dir> -f " + fsyncMillis);
        d.put("client", "own text-protocol client, one socket per thread, TCP_NODELAY; put (adds pipelined per batch), "
                + "reserve-with-timeout 0, delete");
        return d;
    }

    @Override
    public void close() {
        Procs.stop(process);
    }

    /** One connection, using and watching only the bench tube. */
    private final class Conn implements Session {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            expect(command("use " + TUBE), "USING");
            expect(command("watch " + TUBE), "WATCHING");
            expect(command("ignore default"), "WATCHING");
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = line();
            if (reply.startsWith("OK ")) {
                return new String(body(Integer.parseInt(reply.substring(3).trim())), StandardCharsets.UTF_8);
            }
            return reply;
        }

        @Override
        public List<Object> lease(int n) throws IOException {
            out.write("reserve-with-timeout 0\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = line();
            if (reply.startsWith("TIMED_OUT")) {
                return List.of();
            }
            expect(reply, "RESERVED ");
            String[] parts = reply.split(" ");
            body(Integer.parseInt(parts[2]));
            return List.of(parts[1]);
        }

        @Override
        public void delete(List<Object> handles) throws IOException {
            for (Object id : handles) {
                expect(command("delete " + id), "DELETED");
            }
        }

        /** Puts n jobs in one write and then reads the n replies (pipelined). */
        @Override
        public void add(int n, byte[] payload) throws IOException {
            byte[] head = ("put 0 0 600 " + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < n; i++) {
                out.write(head);
                out.write(payload);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            for (int i = 0; i < n; i++) {
                expect(line(), "INSERTED");
            }
        }

        private byte[] body(int length) throws IOException {
            byte[] b = in.readNBytes(length + 2);
            if (b.length != length + 2) {
                throw new IOException("connection closed in a body");
            }
            return b;
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.US_ASCII);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            throw new IOException("beanstalkd closed the connection");
        }

        private void expect(String reply, String prefix) throws IOException {
            if (!reply.startsWith(prefix)) {
                throw new IOException("beanstalkd said '" + reply + "', expected " + prefix);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

}
