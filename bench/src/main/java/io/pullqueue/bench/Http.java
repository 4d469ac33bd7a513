package io.pullqueue.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket with TCP_NODELAY, so that the driver's own cost per call is
 * small and known (no pool, no selector thread). One instance per worker thread.
 */
final class Http implements Closeable {
    /** An answer: its status, its body's bytes and its Content-Type (empty when none). */
    record Response(int status, byte[] bytes, String contentType) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** {@code -Dbench.api.key=KEY} sends every request with {@code Authorization: Bearer KEY}. */
    private static final String AUTHORIZATION = System.getProperty("bench.api.key") == null ? ""
            : "Authorization: Bearer " + System.getProperty("bench.api.key") + "\r\n";
    /** Keys of the servers that ask for one, by port ({@link #authorize}). */
    private static final Map<Integer, String> KEYS = new ConcurrentHashMap<>();

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Http(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Every request to {@code port} carries {@code Authorization: Bearer key} from now on. */
    static void authorize(int port, String key) {
        KEYS.put(port, "Authorization: Bearer " + key + "\r\n");
    }

    Response get(String path) throws IOException {
        return send("GET", path, null);
    }

    Response post(String path, String json) throws IOException {
        return send("POST", path, json);
    }

    /** A POST that asks for an answer of this media type ({@code Accept}). */
    Response post(String path, String json, String accept) throws IOException {
        return send("POST", path, json, "Accept: " + accept + "\r\n");
    }

    Response delete(String path) throws IOException {
        return send("DELETE", path, null);
    }

    Response send(String method, String path, String json) throws IOException {
        return send(method, path, json, "");
    }

    private Response send(String method, String path, String json, String extraHeaders) throws IOException {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; ; attempt++) {
            connect();
            try {
                write(method, path, body, extraHeaders);
                return read();
            } catch (IOException e) {
                close();
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(120_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 65536);
        out = new BufferedOutputStream(s.getOutputStream(), 65536);
    }

    private void write(String method, String path, byte[] body, String extraHeaders) throws IOException {
        StringBuilder head = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append(KEYS.getOrDefault(port, AUTHORIZATION)).append(extraHeaders);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private Response read() throws IOException {
        String status = line();
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String contentType = "";
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase().contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                case "content-type" -> contentType = value;
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
        if (chunked) {
            for (int size = Integer.parseInt(chunkSize(line()), 16); size > 0; size = Integer.parseInt(chunkSize(line()), 16)) {
                copy(size, body);
                line();
            }
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                // trailers are ignored
            }
        } else if (length > 0) {
            copy(length, body);
        }
        if (closeAfter) {
            close();
        }
        return new Response(code, body.toByteArray(), contentType);
    }

    private static String chunkSize(String line) throws IOException {
        if (line == null) {
            throw new IOException("connection closed in a chunked body");
        }
        int semi = line.indexOf(';');
        return (semi < 0 ? line : line.substring(0, semi)).trim();
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("connection closed in a body");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        if (sb.length() == 0) {
            throw new IOException("connection closed");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
