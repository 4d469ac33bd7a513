package io.pullqueue.store.postgres;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.Tag;
import io.pullqueue.store.TagsAsBytesMigration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Migration 4: text tags become their UTF-8 bytes, and a lease by tag still reads the tag index. */
@ExtendWith(TestDatabase.PerClass.class)
class PostgresTagsAsBytesTest {
    private static final long NOW = TagsAsBytesMigration.NOW;

    @Test
    void textTagsBecomeTheirUtf8BytesAndLeaseByTagUsesTheTagIndex() throws SQLException {
        DataSource ds = TestDatabase.dataSource(TestDatabase.newSchema());
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            PostgresSchema.MIGRATIONS.upTo(3).migrate(c);
            TagsAsBytesMigration.insertTextTags(c);
            // A backlog of 200 tags, so that the planner has a choice to make.
            s.executeUpdate("INSERT INTO task (queue, name, eta_usec, tag, created_usec, payload) "
                    + "SELECT 'q', 'n' || i, i, 'tag-' || (i % 200), 1, '' FROM generate_series(1, 20000) i");
            c.commit();
        }
        PostgresTaskStore store = new PostgresTaskStore(ds);
        store.initialize();
        try {
            TagsAsBytesMigration.assertMigrated(store);
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("ANALYZE task");
                String plan = leaseByTagPlan(c, Tag.of("tag-7"));
                assertTrue(plan.contains("Index Scan using task_tag_due"), plan);
                assertTrue(plan.contains("COALESCE(tag, '\\x'::bytea)"), plan);
            }
        } finally {
            store.close();
        }
    }

    /** EXPLAIN of {@link PostgresSql#LEASE_TAG} with real values bound, as {@code PostgresLease} binds them. */
    static String leaseByTagPlan(Connection c, Tag tag) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + PostgresSql.LEASE_TAG)) {
            int i = 1;
            ps.setString(i++, "q"); // the paused flag
            ps.setString(i++, "q");
            ps.setLong(i++, NOW);
            ps.setBytes(i++, tag.bytes());
            ps.setInt(i++, 10);
            ps.setLong(i++, NOW + 60_000_000L);
            ps.setNull(i++, Types.INTEGER);
            ps.setNull(i++, Types.INTEGER);
            ps.setNull(i++, Types.INTEGER);
            ps.setString(i++, "q");
            ps.setLong(i, NOW);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        }
    }
}
