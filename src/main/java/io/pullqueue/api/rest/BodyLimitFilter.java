package io.pullqueue.api.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Bounds request bodies before they are read: a declared Content-Length over the limit is refused at once, and
 * a body without one is cut off as soon as it passes the limit, so no oversized body is ever held in memory.
 */
@PreMatching
public class BodyLimitFilter implements ContainerRequestFilter {

    private final long maxBytes = configuredMax();

    /** The configured body limit ({@code pullqueue.request.max.bytes}, default 32 MiB). */
    public static long configuredMax() {
        return ConfigProvider.getConfig()
                .getOptionalValue("pullqueue.request.max.bytes", Long.class).orElse(32L * 1024 * 1024);
    }

    /**
     * {@code in}, cut off with a {@link TooLargeException} as soon as more than {@code max} bytes are read from
     * it. Other doors use it too, e.g. on a decompressed body.
     */
    public static InputStream limit(InputStream in, long max) {
        return new Limited(in, max);
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        long declared = ctx.getLength();
        if (declared > maxBytes) {
            ctx.abortWith(ApiError.of(413, "REQUEST_TOO_LARGE", tooLarge(maxBytes), null));
            return;
        }
        ctx.setEntityStream(limit(ctx.getEntityStream(), maxBytes));
    }

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
