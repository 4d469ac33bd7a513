package it.io.pullqueue.appengine;

import com.google.appengine.api.taskqueue.Queue;
import com.google.appengine.tools.remoteapi.RemoteApiInstaller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * A test that drives one queue through the App Engine SDK: the Remote API is installed on the test's thread before
 * each test (and removed after it), and the queue is emptied first. The SDK's client has no HTTP timeouts, hence
 * the JUnit timeout.
 */
@Timeout(60)
abstract class SdkTest {
    private RemoteApiInstaller installer;
    /** The SDK's {@code Queue} for {@link #queueName()}. */
    Queue queue;

    abstract String queueName();

    @BeforeEach
    void installRemoteApi() {
        installer = SdkClient.install();
        SdkClient.purge(queueName());
        queue = SdkClient.queue(queueName());
    }

    @AfterEach
    void uninstallRemoteApi() {
        installer.uninstall();
    }
}
