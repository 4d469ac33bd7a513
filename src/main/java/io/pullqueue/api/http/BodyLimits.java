package io.pullqueue.api.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Bounds request bodies before they are read, for every door: a declared Content-Length over the limit is refused
 * at once, and a body without one is cut off as soon as it passes the limit, so no oversized body is ever held in
 * memory. A {@code Content-Encoding: gzip} body is inflated here and bounded again after inflation (Liberty's own
 * request decompression is switched off in server.xml, because it inflates ahead of what the application reads).
 * Each door's request filter calls {@link #decode} and reports a {@link RejectedBody} in its own error shape.
 */
public final class BodyLimits {

    private BodyLimits() {}

    /** The configured body limit ({@code pullqueue.request.max.bytes}; its default is in microprofile-config). */
    public static long configuredMax() {
        return ConfigProvider.getConfig().getValue("pullqueue.request.max.bytes", Long.class);
    }

    /**
     * {@code in}, cut off with a {@link TooLargeException} as soon as more than {@code max} bytes are read from
     * it. Other doors use it too, e.g. on a decompressed body.
     */
    public static InputStream limit(InputStream in, long max) {
        return new Limited(in, max);
    }

    /**
     * The request body as a resource reads it: bounded to {@code max} bytes, and for {@code Content-Encoding: gzip}
     * inflated and bounded to {@code max} bytes again. The caller sets it as the entity stream.
     *
     * @throws RejectedBody a declared length over {@code max} (413), an encoding other than gzip (415), or a
     *         body that does not start as gzip data (400)
     */
    public static InputStream decode(ContainerRequestContext ctx, long max) throws RejectedBody {
        if (ctx.getLength() > max) {
            throw new RejectedBody(413, null, tooLarge(max));
        }
        InputStream body = limit(ctx.getEntityStream(), max);
        String encoding = ctx.getHeaderString(HttpHeaders.CONTENT_ENCODING);
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            return body;
        }
        String e = encoding.trim().toLowerCase(Locale.ROOT);
        if (!e.equals("gzip") && !e.equals("x-gzip")) {
            throw new RejectedBody(
                    415,
                    HttpHeaders.CONTENT_ENCODING,
                    "Content-Encoding " + encoding + " is not supported; send gzip or an uncompressed body");
        }
        try {
            body = limit(new GZIPInputStream(body), max);
        } catch (IOException ex) {
            throw new RejectedBody(
                    400, HttpHeaders.CONTENT_ENCODING, "the body is not gzip data although Content-Encoding says gzip");
        }
        ctx.getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
        ctx.getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        return body;
    }

    /** A request body refused before it was read: the HTTP status, the header at fault, and why. */
    public static final class RejectedBody extends Exception {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final String field;

        RejectedBody(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    /** The message for a body over {@code max} bytes. */
    public static String tooLarge(long max) {
        return "request body is larger than the limit of " + max + " bytes (pullqueue.request.max.bytes)";
    }

    /** Raised by a body that passes the limit while being read. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        final long limit;

        TooLargeException(long limit) {
            super(tooLarge(limit));
            this.limit = limit;
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long count;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) throws TooLargeException {
            count += n;
            if (count > limit) {
                throw new TooLargeException(limit);
            }
        }
    }
}
