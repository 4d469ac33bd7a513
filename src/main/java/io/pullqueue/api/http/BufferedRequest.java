package io.pullqueue.api.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** The request as its door sees it after {@link BodyGate}: the body comes from memory, already inflated. */
final class BufferedRequest extends HttpServletRequestWrapper {
    private final BodyGate.Body body;
    private final ByteArrayInputStream bytes;

    BufferedRequest(HttpServletRequest req, BodyGate.Body body) {
        super(req);
        this.body = body;
        this.bytes = new ByteArrayInputStream(body.bytes(), 0, body.length());
    }

    @Override
    public ServletInputStream getInputStream() {
        return new ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return bytes.read(b, off, len);
            }

            @Override
            public int available() {
                return bytes.available();
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                try {
                    listener.onAllDataRead();
                } catch (IOException e) {
                    listener.onError(e);
                }
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        String cs = getCharacterEncoding();
        return new BufferedReader(new InputStreamReader(bytes,
                cs == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(cs)));
    }

    @Override
    public int getContentLength() {
        return body.length();
    }

    @Override
    public long getContentLengthLong() {
        return body.length();
    }

    private boolean hidden(String name) {
        return body.inflated() && (name.equalsIgnoreCase("Content-Encoding")
                || name.equalsIgnoreCase("Content-Length"));
    }

    @Override
    public String getHeader(String name) {
        if (body.inflated() && name.equalsIgnoreCase("Content-Length")) {
            return Integer.toString(body.length());
        }
        return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (body.inflated() && name.equalsIgnoreCase("Content-Length")) {
            return Collections.enumeration(List.of(Integer.toString(body.length())));
        }
        return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        if (!body.inflated()) {
            return super.getHeaderNames();
        }
        List<String> names = Collections.list(super.getHeaderNames());
        names.removeIf(n -> n.equalsIgnoreCase("Content-Encoding"));
        return Collections.enumeration(names);
    }
}
