package io.pullqueue.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Both stores' upgrade to tags as bytes: rows written with text tags before the migration (queue {@code q}: "red",
 * "é€" and an untagged task), read after it.
 */
public final class TagsAsBytesMigration {
    public static final long NOW = 1_700_000_000_000_000L;

    private TagsAsBytesMigration() {}

    /** Writes the text-tagged rows into a schema one version short of tags as bytes (caller commits). */
    public static void insertTextTags(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO task (queue, name, eta_usec, tag, created_usec, "
                + "payload) VALUES ('q', ?, ?, ?, 1, ?)")) {
            int eta = 1;
            for (String[] row :
                    Arrays.asList(new String[] {"red", "red"}, new String[] {"e", "é€"}, new String[] {"none", null})) {
                ps.setString(1, row[0]);
                ps.setLong(2, eta++);
                ps.setString(3, row[1]);
                ps.setBytes(4, new byte[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** After the migration: each text tag is its UTF-8, the untagged task has none, a lease by tag finds it. */
    public static void assertMigrated(TaskStore store) {
        assertArrayEquals(
                "é€".getBytes(StandardCharsets.UTF_8),
                store.taskGet("q", "e").orElseThrow().tag().bytes());
        assertNull(store.taskGet("q", "none").orElseThrow().tag());
        LeaseQuery byTag = new LeaseQuery("q", 10, TagFilter.tag("red"), NOW, NOW + 60_000_000L, null, NOW);
        assertEquals(
                List.of("red"),
                store.taskLease(byTag).leased().stream().map(Task::name).toList());
    }
}
