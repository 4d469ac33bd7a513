package io.pullqueue.bench;

import java.util.List;
import java.util.Map;

/** A queue system under test: started (or reached) on 127.0.0.1, driven through its own native client path. */
interface Peer extends AutoCloseable {
    /** Short name used in tables and charts. */
    String name();

    /** Largest number of tasks one lease call can return (App Engine's 1000 unless the peer says otherwise). */
    default int maxLeaseBatch() {
        return 1000;
    }

    /** Largest number of tasks one add call can carry (App Engine's 100 unless the peer says otherwise). */
    default int maxAddBatch() {
        return 100;
    }

    /** Starts the server (if the harness owns one) and prepares an empty queue. */
    void start() throws Exception;

    /** Empties the queue (between workloads). */
    void clear() throws Exception;

    /** Number of tasks that can be leased now. */
    long ready() throws Exception;

    /** Adds {@code n} tasks of {@code payload} as fast as this peer allows (bulk path where there is one). */
    void fill(long n, byte[] payload) throws Exception;

    /** One client connection, used by one thread. */
    Session session() throws Exception;

    /** Version, durability setting and how it runs, for the report. */
    Map<String, String> describe() throws Exception;

    /** Server process id, if the harness started one (for RSS/heap), else -1. */
    default long pid() {
        return -1;
    }

    /** Heap used after a full GC in bytes, or -1 if the peer is not a JVM the harness owns. */
    default long heapAfterGc() {
        return -1;
    }

    /** Stops the server and measures the time until it is ready again, in ms; -1 if not supported. */
    default long restartToReadyMillis() throws Exception {
        return -1;
    }

    @Override
    void close();

    interface Session extends AutoCloseable {
        /** Leases up to n tasks for a long lease; returns handles to delete. Empty when nothing is due. */
        List<Object> lease(int n) throws Exception;

        /** Deletes what {@link #lease} returned. */
        void delete(List<Object> handles) throws Exception;

        /**
         * Deletes {@code previous} (what the last call returned) and leases up to n tasks in one call; only peers
         * with such a call (pullqueue's {@code deleteNames}) have it.
         */
        default List<Object> leaseDeleting(int n, List<Object> previous) throws Exception {
            throw new UnsupportedOperationException("no lease call that also deletes");
        }

        /** Bytes of lease answers this session has read (pullqueue: to compare its two answer forms), else 0. */
        default long leaseAnswerBytes() {
            return 0;
        }

        /** Adds n tasks (n at most {@link Peer#maxAddBatch()}). */
        void add(int n, byte[] payload) throws Exception;

        @Override
        void close();
    }
}
