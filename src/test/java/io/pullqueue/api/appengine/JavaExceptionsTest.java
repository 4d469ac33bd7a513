package io.pullqueue.api.appengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.apphosting.api.ApiProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import org.junit.jupiter.api.Test;

/** Our serialized exceptions read back as the App Engine SDK's own classes (the SDK is on the test classpath). */
class JavaExceptionsTest {

    private static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void applicationExceptionCarriesCodeAndDetail() throws Exception {
        Object o = read(JavaExceptions.application(25, "the lease on task t1 has expired"));
        ApiProxy.ApplicationException e = assertInstanceOf(ApiProxy.ApplicationException.class, o);
        assertEquals(25, e.getApplicationError());
        assertEquals("the lease on task t1 has expired", e.getErrorDetail());
        assertEquals("ApplicationError: 25: the lease on task t1 has expired", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void rpcFailuresReadAsTheSdksExceptions() throws Exception {
        assertInstanceOf(ApiProxy.CallNotFoundException.class, read(JavaExceptions.callNotFound("taskqueue", "X")));
        Object arg = read(JavaExceptions.argument("taskqueue", "BulkAdd", "missing queue_name"));
        assertTrue(((ApiProxy.ArgumentException) arg).getMessage().contains("missing queue_name"));
        assertInstanceOf(ApiProxy.RequestTooLargeException.class, read(JavaExceptions.requestTooLarge("too big")));
    }

    @Test
    void unicodeDetailsSurvive() throws Exception {
        ApiProxy.ApplicationException e = (ApiProxy.ApplicationException)
                read(JavaExceptions.application(1, "queue \u00e9\u4e2d is not declared"));
        assertEquals("queue \u00e9\u4e2d is not declared", e.getErrorDetail());
    }
}
