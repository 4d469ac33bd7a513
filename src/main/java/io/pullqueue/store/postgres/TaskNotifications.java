package io.pullqueue.store.postgres;

import io.pullqueue.core.TaskAvailabilityListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on {@link PostgresSql#CHANNEL} (where the {@link Announcer} of every instance tells of tasks that became
 * leasable) with one connection of its own and passes each notification's queue name
 * to the listener, so a lease waiting on this instance wakes when another instance adds tasks. Only a shortcut:
 * waiting leases also look again on their own every second, so a lost connection delays them but loses nothing.
 * The connection is re-opened after a failure (one log line per outage, not per attempt).
 */
final class TaskNotifications {
    private static final Logger LOG = Logger.getLogger(TaskNotifications.class.getName());
    private static final int POLL_MILLIS = 500;
    private static final long RETRY_MILLIS = 2000;

    private final DataSource dataSource;
    private final TaskAvailabilityListener listener;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean closed;
    private Thread thread;

    TaskNotifications(DataSource dataSource, TaskAvailabilityListener listener) {
        this.dataSource = dataSource;
        this.listener = listener;
    }

    void start() {
        thread = new Thread(this::run, "pullqueue-postgres-listen");
        thread.setDaemon(true);
        thread.start();
    }

    void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Notifications received so far (from every instance, this one included). */
    long received() {
        return received.get();
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute(PostgresSql.LISTEN);
                }
                if (failing) {
                    LOG.info("PostgreSQL notifications: listening again");
                    failing = false;
                }
                listen(c.unwrap(PGConnection.class));
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    LOG.log(
                            Level.WARNING,
                            "PostgreSQL notifications lost (" + e.getMessage()
                                    + "); waiting leases fall back to checking every second; retrying",
                            e);
                    failing = true;
                }
                pause();
            }
        }
    }

    private void listen(PGConnection pg) throws SQLException {
        while (!closed) {
            PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
            if (batch == null) {
                continue;
            }
            for (PGNotification n : batch) {
                received.incrementAndGet();
                listener.tasksAvailable(n.getParameter());
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }
}
