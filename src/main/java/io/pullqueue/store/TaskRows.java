package io.pullqueue.store;

import io.pullqueue.core.Tag;
import io.pullqueue.core.Task;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Maps task rows to {@link Task} and binds nullable values. */
public final class TaskRows {

    private TaskRows() {}

    /**
     * Reads a task row whose columns are name, payload (or, for a listing, the payload's length), tag, eta_usec,
     * retry_count, created_usec, retry_limit. Without payload the task comes back with only its length.
     */
    public static Task task(String queue, ResultSet rs, boolean withPayload) throws SQLException {
        byte[] payload = withPayload ? rs.getBytes(2) : null;
        int size = withPayload ? payload.length : rs.getInt(2);
        return new Task(
                queue,
                rs.getString(1),
                payload,
                size,
                Tag.ofBytes(rs.getBytes(3)),
                rs.getLong(4),
                rs.getInt(5),
                rs.getLong(6),
                nullableInt(rs, 7));
    }

    public static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    public static void setNullableInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    /** Binds a tag as its bytes (the column is a BLOB or bytea), or NULL for an untagged task. */
    public static void setNullableTag(PreparedStatement ps, int index, Tag tag) throws SQLException {
        if (tag == null) {
            ps.setNull(index, Types.BINARY);
        } else {
            ps.setBytes(index, tag.bytes());
        }
    }
}
