package io.pullqueue.store;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueSample;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The statements behind what an operator reads and does (filtered task pages, making tasks due, queue samples),
 * which both SQL stores share; a store gives only its dialect's payload-length function and the tag expression
 * its tag index is built on. Run on the caller's connection.
 *
 * <p>Which index serves a search: ETA order uses the due index {@code (queue, eta_usec, ...)}, or the tag index
 * {@code (queue, tag, eta_usec ...)} when a tag is given; the state is a range of that ETA (due: up to now; leased
 * and not yet due: after now, told apart by the retry count). Ties of equal ETA are ordered by name, sorted per ETA
 * by the database. Name order uses the primary key.
 */
public final class OperatorStatements {
    /** SQLite's dialect. */
    /**
     * SQLite's dialect. With a tag its planner, not knowing the values, may prefer the due index for a range
     * bounded on both sides (state and cursor) and filter the tag, reading every due task of other tags; the tag
     * index is named.
     */
    public static final OperatorStatements SQLITE =
            new OperatorStatements("length", "tag", "task INDEXED BY task_tag_due");
    /** PostgreSQL's: its tag index is on coalesce(tag, ''). */
    public static final OperatorStatements POSTGRES =
            new OperatorStatements("octet_length", "coalesce(tag, '')", "task");

    private static final String SEARCH_COLUMNS =
            "(payload), tag, eta_usec, retry_count, created_usec, retry_limit " + "FROM ";
    /** Sets ETA = now (parameter 1) on a named task whose ETA is later (parameters: now, queue, name, now). */
    static final String MAKE_DUE = "UPDATE task SET eta_usec = ? WHERE queue = ? AND name = ? AND eta_usec > ?";
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

    private final String lengthFunction;
    private final String tagExpression;
    private final String taggedTable;

    /**
     * @param lengthFunction the function giving a blob's length without reading it ({@code length},
     *     {@code octet_length})
     * @param tagExpression the expression the tag index is built on ({@code tag}, {@code coalesce(tag, '')})
     * @param taggedTable the task table as a search with a tag names it
     */
    private OperatorStatements(String lengthFunction, String tagExpression, String taggedTable) {
        this.lengthFunction = lengthFunction;
        this.tagExpression = tagExpression;
        this.taggedTable = taggedTable;
    }

    /** The statement of a search, and its parameters in order. */
    public record Statement(String sql, List<Object> params) {}

    /** The statement {@link #search} runs for the query (public for the stores' query-plan checks). */
    public Statement searchStatement(TaskQuery q) {
        StringBuilder sql = new StringBuilder("SELECT name, ")
                .append(lengthFunction)
                .append(SEARCH_COLUMNS)
                .append(q.tag() == null ? "task" : taggedTable)
                .append(" WHERE queue = ?");
        List<Object> p = new ArrayList<>();
        p.add(q.queue());
        switch (q.state()) {
            case DUE -> sql.append(" AND eta_usec <= ?");
            case LEASED -> sql.append(" AND eta_usec > ? AND retry_count > 0");
            case WAITING -> sql.append(" AND eta_usec > ? AND retry_count = 0");
            case ANY -> {}
        }
        if (q.state() != TaskQuery.State.ANY) {
            p.add(q.nowUsec());
        }
        if (q.tag() != null) {
            sql.append(" AND ").append(tagExpression).append(" = ?");
            p.add(q.tag().bytes());
        }
        TaskQuery.Cursor after = q.after();
        switch (q.order()) {
            case NAME -> {
                if (after != null) {
                    sql.append(" AND name > ?");
                    p.add(after.name());
                }
                sql.append(" ORDER BY name");
            }
            case ETA -> {
                if (after != null) {
                    sql.append(" AND eta_usec >= ? AND (eta_usec > ? OR name > ?)");
                    p.addAll(List.of(after.etaUsec(), after.etaUsec(), after.name()));
                }
                sql.append(" ORDER BY eta_usec, name");
            }
            case ETA_DESC -> {
                if (after != null) {
                    sql.append(" AND eta_usec <= ? AND (eta_usec < ? OR name < ?)");
                    p.addAll(List.of(after.etaUsec(), after.etaUsec(), after.name()));
                }
                sql.append(" ORDER BY eta_usec DESC, name DESC");
            }
        }
        sql.append(" LIMIT ?");
        p.add(q.limit() + 1);
        return new Statement(sql.toString(), p);
    }

    /** A page of {@link io.pullqueue.core.TaskStore#taskSearch}. */
    public TaskListing search(Connection c, TaskQuery q) throws SQLException {
        Statement s = searchStatement(q);
        List<Task> tasks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(s.sql())) {
            for (int i = 0; i < s.params().size(); i++) {
                ps.setObject(i + 1, s.params().get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tasks.add(TaskRows.task(q.queue(), rs, false));
                }
            }
        }
        return TaskListing.of(tasks, q.limit());
    }

    /**
     * {@link io.pullqueue.core.TaskStore#taskMakeDue}: one update per name; a name it did not change is OK when the
     * task exists ({@code taskExists}: queue, name), else TOMBSTONED_TASK or UNKNOWN_TASK ({@code tombstoneLive}:
     * queue, name, now).
     */
    public static List<ErrorCode> makeDue(
            Connection c, String taskExists, String tombstoneLive, String queue, List<String> names, long nowUsec)
            throws SQLException {
        int[] changed;
        try (PreparedStatement ps = c.prepareStatement(MAKE_DUE)) {
            for (String name : names) {
                ps.setLong(1, nowUsec);
                ps.setString(2, queue);
                ps.setString(3, name);
                ps.setLong(4, nowUsec);
                ps.addBatch();
            }
            changed = ps.executeBatch();
        }
        List<ErrorCode> results = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            results.add(
                    changed[i] > 0 || TaskReads.exists(c, taskExists, queue, name)
                            ? ErrorCode.OK
                            : TaskReads.exists(c, tombstoneLive, queue, name, nowUsec)
                                    ? ErrorCode.TOMBSTONED_TASK
                                    : ErrorCode.UNKNOWN_TASK);
        }
        return results;
    }

    /** {@link io.pullqueue.core.TaskStore#sampleAdd}, one batch. */
    public static void sampleAdd(Connection c, String server, Map<String, QueueSample> byQueue) throws SQLException {
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
    public static List<QueueSample> sampleRead(Connection c, String queue, long fromUsec) throws SQLException {
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
    public static int samplePrune(Connection c, long beforeUsec) throws SQLException {
        return TaskReads.update(c, SAMPLE_PRUNE, beforeUsec);
    }
}
