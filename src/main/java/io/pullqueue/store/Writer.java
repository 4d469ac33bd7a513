package io.pullqueue.store;

/**
 * How a store runs its write transactions: SQLite's group commit, PostgreSQL's short transactions retried after a
 * deadlock. Either way a write returns only once its transaction committed, and a failure changed nothing unless
 * it says that the commit's outcome is unknown.
 */
public interface Writer {

    /** Runs {@code work} in a committed write transaction and returns its result. */
    <T> T write(String operation, Jdbc.SqlWork<T> work);
}
