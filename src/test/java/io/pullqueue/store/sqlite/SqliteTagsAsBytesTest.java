package io.pullqueue.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.Tag;
import io.pullqueue.store.TagsAsBytesMigration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration that makes tags bytes: text tags become their UTF-8, and a lease by tag reads the tag index. */
class SqliteTagsAsBytesTest {
    private static final long NOW = TagsAsBytesMigration.NOW;

    @TempDir
    Path dir;

    @Test
    void textTagsBecomeTheirUtf8BytesAndLeaseByTagUsesTheTagIndex() throws SQLException {
        DataSource ds = SqliteTaskStoreTest.dataSource(dir.resolve("old.db"));
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            SqliteSchema.MIGRATIONS.upTo(2).migrate(c); // the schema before migration 3 made tags bytes
            TagsAsBytesMigration.insertTextTags(c);
            c.commit();
        }
        SqliteTaskStore store = new SqliteTaskStore(ds);
        store.initialize();
        try {
            TagsAsBytesMigration.assertMigrated(store);
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM task WHERE typeof(tag) = 'text'")) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "no text tag is left");
                }
                String plan = plan(c, SqliteSql.LEASE_CANDIDATES_TAG, Tag.of("red"));
                assertTrue(
                        plan.contains("SEARCH task USING INDEX task_tag_due (queue=? AND tag=? AND eta_usec<?)"), plan);
            }
        } finally {
            store.close();
        }
    }

    private static String plan(Connection c, String sql, Tag tag) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            ps.setString(1, "q");
            ps.setLong(2, NOW);
            ps.setBytes(3, tag.bytes());
            ps.setInt(4, 10);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
