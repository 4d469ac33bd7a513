package io.pullqueue.api.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class GoogleErrorsTest {

    private static JsonObject error(Response r) {
        return Json.createReader(new StringReader((String) r.getEntity()))
                .readObject()
                .getJsonObject("error");
    }

    private static Response of(ErrorCode code, String field) {
        return GoogleErrors.SHAPE.response(new QueueException(code, field, "because"));
    }

    @Test
    void statusesFollowTheNativeApiExceptThatADeletedTaskIsNotFound() {
        assertEquals(404, of(ErrorCode.TOMBSTONED_TASK, "task").getStatus());
        assertEquals(404, of(ErrorCode.UNKNOWN_TASK, "task").getStatus());
        assertEquals(404, of(ErrorCode.UNKNOWN_QUEUE, "taskqueue").getStatus());
        assertEquals(409, of(ErrorCode.TASK_LEASE_EXPIRED, "leaseTimestamp").getStatus());
        assertEquals(409, of(ErrorCode.TASK_ALREADY_EXISTS, "id").getStatus());
        assertEquals(409, of(ErrorCode.QUEUE_PAUSED, "taskqueue").getStatus());
        assertEquals(400, of(ErrorCode.INVALID_REQUEST, "numTasks").getStatus());
        assertEquals(400, of(ErrorCode.INVALID_ETA, "leaseTimestamp").getStatus());
        assertEquals(403, of(ErrorCode.PERMISSION_DENIED, null).getStatus());
        assertEquals(500, of(ErrorCode.INTERNAL_ERROR, null).getStatus());
    }

    @Test
    void theEnvelopeIsGooglesWithTheFieldAsLocation() {
        JsonObject e = error(of(ErrorCode.TASK_LEASE_EXPIRED, "leaseTimestamp"));
        assertEquals(409, e.getInt("code"));
        assertEquals("because", e.getString("message"));
        assertEquals("TASK_LEASE_EXPIRED", e.getString("appEngineError"));
        JsonObject item = e.getJsonArray("errors").getJsonObject(0);
        assertEquals("global", item.getString("domain"));
        assertEquals("conflict", item.getString("reason"));
        assertEquals("leaseTimestamp", item.getString("location"));
        assertEquals("parameter", item.getString("locationType"));
        assertFalse(error(of(ErrorCode.INTERNAL_ERROR, null))
                .getJsonArray("errors")
                .getJsonObject(0)
                .containsKey("location"));
    }

    @Test
    void aTransientErrorIs503WithRetryAfter() {
        Response r = of(ErrorCode.TRANSIENT_ERROR, null);
        assertEquals(503, r.getStatus());
        assertEquals("1", String.valueOf(r.getHeaderString("Retry-After")));
        assertEquals(
                "backendError", error(r).getJsonArray("errors").getJsonObject(0).getString("reason"));
        assertNull(of(ErrorCode.INVALID_REQUEST, null).getHeaderString("Retry-After"));
    }

    @Test
    void runtimeErrorsGetTheEnvelopeToo() {
        Response r = GoogleErrors.SHAPE.runtimeError(new NotAllowedException("GET"));
        assertEquals(405, r.getStatus());
        assertEquals(
                "httpMethodNotAllowed",
                error(r).getJsonArray("errors").getJsonObject(0).getString("reason"));
    }
}
