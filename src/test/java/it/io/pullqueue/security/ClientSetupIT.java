package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.auth.oauth2.GoogleCredential;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.jackson2.JacksonFactory;
import com.google.api.services.taskqueue.Taskqueue;
import com.google.api.services.taskqueue.model.Task;
import com.google.appengine.api.taskqueue.Queue;
import com.google.appengine.api.taskqueue.QueueFactory;
import com.google.appengine.api.taskqueue.TaskHandle;
import com.google.appengine.api.taskqueue.TaskOptions;
import com.google.appengine.tools.remoteapi.RemoteApiInstaller;
import com.google.appengine.tools.remoteapi.RemoteApiOptions;
import it.io.pullqueue.security.AuthServer.Who;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Google's own clients, unmodified, authenticate with an API key exactly as docs/compat.md tells their users to:
 * the App Engine Java SDK through the Remote API with {@code reuseCredentials} (the key in a SACSID cookie), and
 * the generated v1beta2 REST client with a {@code GoogleCredential} holding the key as a fixed access token.
 */
@Timeout(60)
class ClientSetupIT {

    // ---- docs/compat.md, "App Engine Java SDK (Remote API)"
    private static RemoteApiInstaller install(Who who) throws IOException {
        String email = who.name().toLowerCase() + "@example.com";
        RemoteApiOptions options = new RemoteApiOptions()
                .server("localhost", URI.create(AuthServer.base()).getPort())
                .reuseCredentials(email, "host=localhost\nemail=" + email + "\ncookie=SACSID=" + who.key + "\n");
        RemoteApiInstaller installer = new RemoteApiInstaller();
        installer.install(options);
        return installer;
    }

    @Test
    void theJavaSdkSignsInWithTheKeyInItsLoginCookie() throws IOException {
        RemoteApiInstaller producer = install(Who.PRODUCER);
        try {
            QueueFactory.getQueue(AuthServer.OPEN)
                    .add(TaskOptions.Builder.withMethod(TaskOptions.Method.PULL)
                            .payload("from the sdk")
                            .tag("sdk-setup"));
            Queue q = QueueFactory.getQueue(AuthServer.OPEN);
            SecurityException e = assertThrows(
                    SecurityException.class, () -> q.leaseTasks(60, TimeUnit.SECONDS, 1), "a producer may not lease");
            assertTrue(e.getMessage().contains("producer@example.com may not lease"), e.getMessage());
        } finally {
            producer.uninstall();
        }
        RemoteApiInstaller consumer = install(Who.CONSUMER);
        try {
            Queue q = QueueFactory.getQueue(AuthServer.OPEN);
            List<TaskHandle> leased = q.leaseTasksByTag(60, TimeUnit.SECONDS, 1, "sdk-setup");
            assertEquals(1, leased.size());
            assertTrue(q.deleteTask(leased.get(0)));
        } finally {
            consumer.uninstall();
        }
    }

    @Test
    void theJavaSdkWithoutAKnownKeyCannotEvenConnect() {
        IOException e = assertThrows(IOException.class, () -> install(Who.UNKNOWN_KEY));
        assertTrue(e.getMessage().contains("status code = 401"), e.getMessage());
    }

    // ---- docs/compat.md, "Google's REST client (v1beta2)"
    private static Taskqueue client(Who who) {
        return new Taskqueue.Builder(
                        new NetHttpTransport(),
                        JacksonFactory.getDefaultInstance(),
                        new GoogleCredential().setAccessToken(who.key))
                .setRootUrl(AuthServer.base() + "/")
                .setApplicationName("pullqueue-setup")
                .build();
    }

    @Test
    void googlesRestClientSendsTheKeyAsABearerToken() throws IOException {
        Task added = client(Who.PRODUCER)
                .tasks()
                .insert(
                        "s~pullqueue",
                        AuthServer.OPEN,
                        new Task()
                                .setQueueName(AuthServer.OPEN)
                                .setPayloadBase64("aGk=")
                                .setTag("rest-setup"))
                .execute();
        GoogleJsonResponseException denied = assertThrows(
                GoogleJsonResponseException.class,
                () -> client(Who.PRODUCER)
                        .tasks()
                        .lease("s~pullqueue", AuthServer.OPEN, 1, 60)
                        .execute());
        assertEquals(403, denied.getStatusCode());
        assertEquals("forbidden", denied.getDetails().getErrors().get(0).getReason());
        client(Who.CONSUMER)
                .tasks()
                .delete("s~pullqueue", AuthServer.OPEN, added.getId())
                .execute();
        GoogleJsonResponseException unknown = assertThrows(
                GoogleJsonResponseException.class,
                () -> client(Who.UNKNOWN_KEY)
                        .tasks()
                        .list("s~pullqueue", AuthServer.OPEN)
                        .execute());
        assertEquals(401, unknown.getStatusCode());
    }
}
