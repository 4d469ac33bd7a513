package io.pullqueue.store.postgres;

import io.pullqueue.store.Jdbc;
import io.pullqueue.store.StoreException;
import io.pullqueue.store.Writer;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * PostgreSQL's write strategy: each write is one short transaction; a deadlock or serialization failure (which
 * rolled everything back) is retried, up to {@link #ATTEMPTS} times in all.
 */
final class RetryingWriter implements Writer {
    private static final Logger LOG = Logger.getLogger(RetryingWriter.class.getName());
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;

    RetryingWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T write(String operation, Jdbc.SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Jdbc.transaction(dataSource, operation, work);
            } catch (StoreException e) {
                if (attempt >= ATTEMPTS || !retryable(e)) {
                    throw e;
                }
                LOG.fine(() -> operation + ": retrying after " + e.getMessage());
            }
        }
    }

    private static boolean retryable(StoreException e) {
        if (e.getCause() instanceof SQLException s) {
            return "40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState());
        }
        return false;
    }
}
