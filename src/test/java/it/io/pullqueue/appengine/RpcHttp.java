package it.io.pullqueue.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import it.io.pullqueue.Http;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The App Engine API protocol by hand, as the Python and Go runtimes speak it: {@code remote_api.Request}
 * envelopes POSTed to {@code /rpc_http} (or {@code /remote_api}), built with pullqueue's own message classes.
 */
final class RpcHttp {
    static final String RPC_HTTP = "/rpc_http";
    static final String REMOTE_API = "/remote_api";

    private RpcHttp() {}

    /** POSTs raw bytes with the Python/Go runtime's headers; the answer must be HTTP 200 with a Response. */
    static RemoteApiPb.Response post(String path, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(Http.uri(path))
                .header("Content-Type", "application/octet-stream")
                .header("X-Google-RPC-Service-Endpoint", "app-engine-apis")
                .header("X-Google-RPC-Service-Method", "/VMRemoteAPI.CallRemoteAPI")
                .header("X-Google-RPC-Service-Deadline", "60")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = Http.client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), "the protocol always answers 200");
            assertEquals(
                    "application/octet-stream",
                    r.headers().firstValue("Content-Type").orElse(""));
            return parse(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static RemoteApiPb.Response parse(byte[] body) {
        try {
            RemoteApiPb.Response response = RemoteApiPb.Response.parseFrom(body);
            assertTrue(response.isInitialized());
            return response;
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not a remote_api.Response", e);
        }
    }

    static byte[] envelope(String service, String method, ByteString request) {
        return RemoteApiPb.Request.newBuilder()
                .setServiceName(service)
                .setMethod(method)
                .setRequest(request)
                .setRequestId("test-ticket")
                .build()
                .toByteArray();
    }

    /** Calls {@code taskqueue.<method>} on /rpc_http. */
    static RemoteApiPb.Response call(String method, MessageLite request) {
        return post(RPC_HTTP, envelope("taskqueue", method, request.toByteString()));
    }

    /** The call succeeded; returns its response bytes. */
    static ByteString ok(RemoteApiPb.Response r) {
        assertFalse(r.hasApplicationError(), () -> "application error " + r.getApplicationError());
        assertFalse(r.hasRpcError(), () -> "rpc error " + r.getRpcError());
        assertFalse(r.hasJavaException());
        return r.getResponse();
    }

    /** The call failed with this taskqueue error code, in both forms; returns the detail. */
    static String appError(RemoteApiPb.Response r, int code) {
        assertTrue(r.hasApplicationError(), () -> "expected application error " + code + ", got " + r);
        assertEquals(
                code, r.getApplicationError().getCode(), r.getApplicationError().getDetail());
        assertTrue(r.hasJavaException(), "the Java SDK needs java_exception");
        assertFalse(r.hasRpcError());
        assertFalse(r.hasResponse());
        return r.getApplicationError().getDetail();
    }

    /** The call failed at the RPC level with this code; returns the detail. */
    static String rpcError(RemoteApiPb.Response r, RemoteApiPb.RpcError.ErrorCode code) {
        assertTrue(r.hasRpcError(), () -> "expected rpc error " + code + ", got " + r);
        assertEquals(
                code.getNumber(), r.getRpcError().getCode(), r.getRpcError().getDetail());
        assertTrue(r.hasJavaException(), "the Java SDK needs java_exception");
        assertFalse(r.hasApplicationError());
        return r.getRpcError().getDetail();
    }
}
