package io.pullqueue.store;

import io.pullqueue.core.QueueSample;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each queue's history in the table {@code queue_sample}, one row per queue, sample time and server: every server
 * writes its own rows, so no two ever update the same one. Its schema (the same columns on every database, in the
 * database's own types) and its statements, run on the caller's connection.
 */
public final class QueueSamples {
    /** The time index serves the pruning of old samples. */
    static final String CREATE_AT_INDEX = "CREATE INDEX queue_sample_at ON queue_sample (at_usec)";
    /** Adds or (same queue, time and server) updates a sample, summing the activity. */
    static final String SAMPLE_UPSERT = "INSERT INTO queue_sample (queue, at_usec, server, tasks, due, in_flight, "
            + "oldest_due_age_usec, added, leased, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (queue, at_usec, server) DO UPDATE SET tasks = excluded.tasks, due = excluded.due, "
            + "in_flight = excluded.in_flight, oldest_due_age_usec = excluded.oldest_due_age_usec, "
            + "added = queue_sample.added + excluded.added, leased = queue_sample.leased + excluded.leased, "
            + "deleted = queue_sample.deleted + excluded.deleted";
    /** One row per sample time of a queue from a time on: backlog the largest any server counted, activity summed. */
    static final String SAMPLE_READ = "SELECT at_usec, max(tasks), max(due), max(in_flight), max(oldest_due_age_usec), "
            + "sum(added), sum(leased), sum(deleted) FROM queue_sample WHERE queue = ? AND at_usec >= ? "
            + "GROUP BY at_usec ORDER BY at_usec";

    static final String SAMPLE_PRUNE = "DELETE FROM queue_sample WHERE at_usec < ?";

    private QueueSamples() {}

    /**
     * The schema migration that creates the table and its time index.
     *
     * @param text the database's text type
     * @param integer its 64-bit integer type
     * @param tableOptions what follows the table's column list ({@code ""}, or SQLite's {@code " WITHOUT ROWID,
     *     STRICT"})
     */
    public static List<String> schema(String text, String integer, String tableOptions) {
        String t = " " + text + " NOT NULL, ";
        String n = " " + integer + " NOT NULL, ";
        return List.of(
                "CREATE TABLE queue_sample (queue" + t + "at_usec" + n + "server" + t + "tasks" + n + "due" + n
                        + "in_flight" + n + "oldest_due_age_usec" + n + "added" + n + "leased" + n + "deleted" + n
                        + "PRIMARY KEY (queue, at_usec, server))" + tableOptions,
                CREATE_AT_INDEX);
    }

    /** {@link io.pullqueue.core.TaskStore#sampleAdd}, one batch. */
    static void sampleAdd(Connection c, String server, Map<String, QueueSample> byQueue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SAMPLE_UPSERT)) {
            for (Map.Entry<String, QueueSample> e : byQueue.entrySet()) {
                QueueSample s = e.getValue();
                ps.setString(1, e.getKey());
                ps.setLong(2, s.atUsec());
                ps.setString(3, server);
                ps.setLong(4, s.tasks());
                ps.setLong(5, s.due());
                ps.setLong(6, s.inFlight());
                ps.setLong(7, s.oldestDueAgeUsec());
                ps.setLong(8, s.added());
                ps.setLong(9, s.leased());
                ps.setLong(10, s.deleted());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** {@link io.pullqueue.core.TaskStore#sampleRead}. */
    static List<QueueSample> sampleRead(Connection c, String queue, long fromUsec) throws SQLException {
        List<QueueSample> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SAMPLE_READ)) {
            ps.setString(1, queue);
            ps.setLong(2, fromUsec);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QueueSample(
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8)));
                }
            }
        }
        return out;
    }

    /** {@link io.pullqueue.core.TaskStore#samplePrune}. */
    static int samplePrune(Connection c, long beforeUsec) throws SQLException {
        return TaskStatements.update(c, SAMPLE_PRUNE, beforeUsec);
    }
}
