package io.pullqueue.store;

/**
 * How a store runs its write transactions: SQLite's group commit, PostgreSQL's short transactions retried after a
 * deadlock. Either way a write returns only once its transaction committed, and a failure changed nothing unless
 * it says that the commit's outcome is unknown.
 */
public interface Writer {

    /** Runs {@code work} in a committed write transaction and returns its result. */
    <T> T write(String operation, Jdbc.SqlWork<T> work);

    /**
     * Runs {@code work}, which writes with exactly one statement, and returns its result once that statement is
     * committed. Here: as {@link #write}. A writer may run it as the statement's own transaction (auto-commit), which
     * saves the round trip of a separate commit and holds the statement's row locks for no longer than it runs.
     */
    default <T> T writeStatement(String operation, Jdbc.SqlWork<T> work) {
        return write(operation, work);
    }
}
