package io.pullqueue.store.postgres;

import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.Writer;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * PostgreSQL's write strategy: each write is one short transaction; a deadlock or serialization failure (which
 * rolled everything back) is retried, up to {@link #ATTEMPTS} times in all. Queues a write made tasks leasable in
 * ({@link #tasksAvailable}) are announced once it committed, by the {@link Announcer}.
 */
final class RetryingWriter implements Writer {
    private static final Logger LOG = Logger.getLogger(RetryingWriter.class.getName());
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final Announcer announcer;
    /** Queues to announce when the write on this thread commits. */
    private final ThreadLocal<Set<String>> available = new ThreadLocal<>();

    /** A writer whose writes make no tasks leasable (bookkeeping). */
    RetryingWriter(DataSource dataSource) {
        this(dataSource, null);
    }

    RetryingWriter(DataSource dataSource, Announcer announcer) {
        this.dataSource = dataSource;
        this.announcer = announcer;
    }

    @Override
    public <T> T write(String operation, Jdbc.SqlWork<T> work) {
        Set<String> queues = new LinkedHashSet<>();
        Set<String> outer = available.get(); // a write inside another (none today) announces on its own commit
        available.set(queues);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    T result = Jdbc.transaction(dataSource, operation, work);
                    if (announcer != null) {
                        queues.forEach(announcer::announce);
                    }
                    return result;
                } catch (StoreException e) {
                    if (attempt >= ATTEMPTS || !retryable(e)) {
                        throw e;
                    }
                    queues.clear(); // rolled back: only what the next attempt makes leasable counts
                    LOG.fine(() -> operation + ": retrying after " + e.getMessage());
                }
            }
        } finally {
            if (outer == null) {
                available.remove();
            } else {
                available.set(outer);
            }
        }
    }

    /** Called inside a write on this thread: the queue is announced if, and once, that write commits. */
    void tasksAvailable(String queue) {
        Set<String> queues = available.get();
        if (queues == null) {
            throw new IllegalStateException("tasks made available outside a write");
        }
        queues.add(queue);
    }

    private static boolean retryable(StoreException e) {
        if (e.getCause() instanceof SQLException s) {
            return "40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState());
        }
        return false;
    }
}
