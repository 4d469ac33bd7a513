package io.pullqueue.api.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TagFilter;
import org.junit.jupiter.api.Test;

/** The envelope's error forms, without a server. */
class ApiDispatcherTest {

    @Test
    void applicationErrorsCarryBothForms() {
        RemoteApiPb.Response r = ApiDispatcher.applicationError(
                new QueueException(ErrorCode.TASK_LEASE_EXPIRED, "leaseToken", "the lease on task t has expired"));
        assertTrue(r.isInitialized());
        assertEquals(25, r.getApplicationError().getCode());
        assertEquals("the lease on task t has expired", r.getApplicationError().getDetail());
        assertTrue(r.hasJavaException());
        assertFalse(r.hasResponse());
        assertFalse(r.hasRpcError());
    }

    @Test
    void detailsUseTheProtocolsFieldNames() {
        assertEquals(
                "max_tasks must be between 1 and 1000, got 0",
                ApiDispatcher.detail(new QueueException(
                        ErrorCode.INVALID_REQUEST, "maxTasks", "maxTasks must be between 1 and 1000, got 0")));
        QueueException noGroup = assertThrows(QueueException.class, () -> TagFilter.of(false, Tag.of("red")));
        assertTrue(ApiDispatcher.detail(noGroup).contains("group_by_tag"), ApiDispatcher.detail(noGroup));
        assertEquals("UNKNOWN_QUEUE", ApiDispatcher.detail(new QueueException(ErrorCode.UNKNOWN_QUEUE, null, null)));
    }

    @Test
    void rpcErrorsCarryAJavaExceptionToo() {
        RemoteApiPb.Response r = ApiDispatcher.rpcError(
                RemoteApiPb.RpcError.ErrorCode.CALL_NOT_FOUND, "no such call", JavaExceptions.callNotFound("x", "Y"));
        assertTrue(r.isInitialized());
        assertEquals(1, r.getRpcError().getCode());
        assertTrue(r.hasJavaException());
        assertFalse(r.hasApplicationError());
    }
}
