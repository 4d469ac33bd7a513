package io.pullqueue.store;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements behind what an operator reads and does (filtered task pages, making tasks due), which both SQL
 * stores share; a store's {@link SqlDialect} gives only its payload-length function, the tag expression its tag
 * index is built on, and how a search with a tag names the table. Run on the caller's connection. The queue
 * samples are {@link QueueSamples}.
 *
 * <p>Which index serves a search: ETA order uses the due index {@code (queue, eta_usec, ...)}, or the tag index
 * {@code (queue, tag, eta_usec ...)} when a tag is given; the state is a range of that ETA (due: up to now; leased
 * and not yet due: after now, told apart by the retry count). Ties of equal ETA are ordered by name, sorted per ETA
 * by the database. Name order uses the primary key.
 */
public final class OperatorStatements {
    private static final String SEARCH_COLUMNS =
            "(payload), tag, eta_usec, retry_count, created_usec, retry_limit FROM ";
    /** Sets ETA = now (parameter 1) on a named task whose ETA is later (parameters: now, queue, name, now). */
    static final String MAKE_DUE = "UPDATE task SET eta_usec = ? WHERE queue = ? AND name = ? AND eta_usec > ?";

    private OperatorStatements() {}

    /** The statement of a search, and its parameters in order. */
    public record Statement(String sql, List<Object> params) {}

    /** The statement {@link #search} runs for the query (public for the stores' query-plan checks). */
    public static Statement searchStatement(SqlDialect dialect, TaskQuery q) {
        StringBuilder sql = new StringBuilder("SELECT name, ")
                .append(dialect.lengthFunction())
                .append(SEARCH_COLUMNS)
                .append(q.tag() == null ? "task" : dialect.taggedTable())
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
            sql.append(" AND ").append(dialect.tagExpression()).append(" = ?");
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
    static TaskListing search(Connection c, SqlDialect dialect, TaskQuery q) throws SQLException {
        Statement s = searchStatement(dialect, q);
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
     * task exists, else TOMBSTONED_TASK or UNKNOWN_TASK.
     */
    static List<ErrorCode> makeDue(Connection c, String queue, List<String> names, long nowUsec) throws SQLException {
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
                    changed[i] > 0 || TaskStatements.exists(c, TaskStatements.TASK_EXISTS, queue, name)
                            ? ErrorCode.OK
                            : TaskStatements.exists(c, TaskStatements.TOMBSTONE_LIVE, queue, name, nowUsec)
                                    ? ErrorCode.TOMBSTONED_TASK
                                    : ErrorCode.UNKNOWN_TASK);
        }
        return results;
    }
}
