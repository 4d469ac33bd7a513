package it.io.pullqueue.edge;

import it.io.pullqueue.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 client on a plain socket, for what {@link java.net.http.HttpClient} cannot do: send a body that is
 * generated while it is sent (never held by the test), read an answer that comes before the whole body was taken,
 * and keep a request open while its body is sent slowly.
 */
final class RawHttp {
    /** Writes a body of a length declared beforehand. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** An answer: status, headers (names in lower case) and body. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {}

    /** The test server's socket address. */
    static InetSocketAddress server() {
        URI u = URI.create(Http.base());
        return new InetSocketAddress(u.getHost(), u.getPort());
    }

    /** Opens a connection to the test server with {@code readTimeout} on every read. */
    static Socket connect(Duration readTimeout) throws IOException {
        Socket s = new Socket();
        s.connect(server(), 10_000);
        s.setSoTimeout((int) readTimeout.toMillis());
        return s;
    }

    /** The head of a request with a body of {@code length} bytes; the connection closes after the answer. */
    static byte[] head(String method, String path, String contentType, long length) {
        InetSocketAddress a = server();
        return (method + " " + path + " HTTP/1.1\r\nHost: " + a.getHostString() + ":" + a.getPort()
                        + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length
                        + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * POSTs a body of {@code length} bytes written by {@code body} while it is sent. The answer is read while the
     * body is sent: a server may answer (and close) before it took the whole body, as it does when it refuses the
     * body unread. Every read waits at most {@code readTimeout}.
     */
    static Answer post(String path, String contentType, long length, Body body, Duration readTimeout)
            throws IOException {
        try (Socket s = connect(readTimeout)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            java.util.concurrent.CompletableFuture<Object> answer = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            Answer a = read(in);
                            return a.status() == 100 ? read(in) : a;
                        } catch (IOException e) {
                            return e;
                        }
                    },
                    READERS);
            out.write(head("POST", path, contentType, length));
            try {
                OutputStream buffered = new java.io.BufferedOutputStream(out, 64 * 1024);
                body.writeTo(buffered);
                buffered.flush();
            } catch (IOException e) {
                // The server answered and closed before it took the whole body: its answer is read all the same.
            }
            Object a = answer.join();
            if (a instanceof IOException e) {
                throw e;
            }
            return (Answer) a;
        }
    }

    /** Threads that read answers while bodies are sent. */
    private static final java.util.concurrent.ExecutorService READERS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "raw-http-reader");
                t.setDaemon(true);
                return t;
            });

    /** Reads one answer (a 100 Continue is returned as it is, with no body). */
    static Answer read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("the connection closed before an answer");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(
                        h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).trim());
            }
        }
        if (code == 100) {
            return new Answer(code, headers, new byte[0]);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n; (n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
                b.write(in.readNBytes(n));
                line(in);
            }
            for (String t; (t = line(in)) != null && !t.isEmpty(); ) {
                // trailers
            }
        } else if (headers.containsKey("content-length")) {
            b.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            b.write(in.readAllBytes());
        }
        return new Answer(code, headers, b.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return s.length() == 0 ? null : s.toString();
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    /** Writes {@code n} copies of {@code fill} in blocks, holding one block. */
    static void repeat(OutputStream out, byte fill, long n) throws IOException {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, fill);
        for (long left = n; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }
}
