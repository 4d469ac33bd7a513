package io.pullqueue.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The planner's row counts, PostgreSQL's other failure mode for queues. The planner estimates a table's rows as
 * its rows per page when last counted ({@code pg_class.reltuples / relpages}, set by {@code VACUUM} and
 * {@code ANALYZE}) times its pages now. A queue is counted at its low-water mark whenever a vacuum or analyze runs
 * just after a drain: if the empty pages could not be cut off the table's end (leases and adds hold it), the
 * table is then on record as pages with no rows, and stays so while the queue fills again. With an estimate of
 * one row, a lookup by name scans the whole queue through another of its indexes: 100 ms per delete
 * at 100,000 tasks, and a lease that looked its picked tasks up by name took 2.8 s (16 at once stalled past their
 * 10 s deadline). Leases no longer look tasks up by name; deletes and lease changes must.
 *
 * <p>A table not counted since it was empty (or never) is estimated from its size at planning time, but a
 * statement's plan is kept for the connection's life (the JDBC driver prepares it on the server after a few runs)
 * and is made again only when the table is counted. The tombstone table starts empty, grows with every delete, and
 * nothing else counts it while autovacuum is off or has not come to it: an add's check of its names against the
 * tombstones, planned while there were a dozen, read every tombstone of the queue (0.2–0.5 s per add at 77,000
 * tombstones, which held adds to 2,000 tasks/s). So a table not counted since it was empty also counts as stale once
 * it holds {@link #MIN_ROWS}.
 *
 * <p>Autovacuum would count again after a while (if it is on); the maintenance pass does so within one pass:
 * {@code ANALYZE} of a table whose estimate is below {@link #STALE_RATIO} of the live rows the statistics collector
 * counts, or that was not counted since it was empty, once it holds {@link #MIN_ROWS}. One server at a time (the vacuum's
 * advisory lock); {@code ANALYZE} reads a sample of the table beside leases and deletes without blocking them, and
 * makes every server plan the table's statements again.
 */
final class TablePlanStats {
    private static final Logger LOG = Logger.getLogger(TablePlanStats.class.getName());
    static final long MIN_ROWS = 1_000;
    static final double STALE_RATIO = 0.25;

    /** Per table: rows and pages when last counted, pages now, and live rows as the statistics collector counts. */
    static final String PLAN_ROWS = "SELECT s.relname, c.reltuples, c.relpages, "
            + "pg_relation_size(c.oid) / current_setting('block_size')::bigint, s.n_live_tup "
            + "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
            + "WHERE s.schemaname = current_schema() AND s.relname IN ('task', 'tombstone')";

    private TablePlanStats() {}

    /**
     * The planner's estimate of a table's rows ({@code counted} false: never counted, or counted with no pages, so
     * that the planner goes by its size when planning and its kept plans were made from whatever size it had then),
     * and the live rows it holds.
     */
    record Estimate(String table, boolean counted, double plannerRows, long liveRows) {
        boolean stale() {
            return liveRows >= MIN_ROWS && (!counted || plannerRows < STALE_RATIO * liveRows);
        }

        /**
         * As the planner estimates it: rows per page when last counted times the pages now. Never counted is
         * {@code reltuples} -1 (PostgreSQL 14 and later) or 0 with no pages (before).
         */
        static Estimate of(String table, double reltuples, long relpages, long pagesNow, long liveRows) {
            if (reltuples < 0 || relpages == 0) {
                return new Estimate(table, false, 0, liveRows);
            }
            return new Estimate(table, true, reltuples / relpages * pagesNow, liveRows);
        }
    }

    static List<Estimate> estimates(Connection c) throws SQLException {
        List<Estimate> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(PLAN_ROWS)) {
            while (rs.next()) {
                out.add(Estimate.of(rs.getString(1), rs.getDouble(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        return out;
    }

    /** Counts again the tables whose estimate is stale, unless another server is busy with it; returns how many. */
    static int analyzeWhereStale(Connection c) throws SQLException {
        List<Estimate> stale = estimates(c).stream().filter(Estimate::stale).toList();
        if (stale.isEmpty()) {
            return 0;
        }
        Map<String, Estimate> byTable = new LinkedHashMap<>();
        stale.forEach(e -> byTable.put(e.table(), e));
        boolean ran = TableBloat.eachUnderLock(c, List.copyOf(byTable.keySet()), (s, table) -> {
            long started = System.nanoTime();
            s.execute("ANALYZE " + table);
            long ms = (System.nanoTime() - started) / 1_000_000;
            Estimate e = byTable.get(table);
            LOG.info(() -> e.counted()
                    ? String.format(
                            "PostgreSQL: analyzed table %s in %d ms: the planner counted %.0f rows where it holds %d"
                                    + " (counted while the queue was nearly empty)",
                            table, ms, e.plannerRows(), e.liveRows())
                    : String.format(
                            "PostgreSQL: analyzed table %s in %d ms: not counted since it was empty, and it holds"
                                    + " %d rows",
                            table, ms, e.liveRows()));
        });
        return ran ? stale.size() : 0;
    }
}
