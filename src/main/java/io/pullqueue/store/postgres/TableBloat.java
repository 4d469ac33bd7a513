package io.pullqueue.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Dead row versions, PostgreSQL's failure mode for queues: every lease rewrites a task row and every delete leaves a
 * dead one. Autovacuum normally reclaims them (the tables ask for it early), but it may be off, slow, or busy with
 * other databases; so the maintenance pass also vacuums a table itself once its dead rows pass
 * {@link #MIN_DEAD} and {@link #DEAD_RATIO} of its live rows. One server at a time (an advisory lock that others
 * do not wait for); {@code VACUUM} runs beside leases and deletes without blocking them.
 */
final class TableBloat {
    private static final Logger LOG = Logger.getLogger(TableBloat.class.getName());
    static final long MIN_DEAD = 20_000;
    static final double DEAD_RATIO = 0.2;
    static final String TRY_LOCK = "SELECT pg_try_advisory_lock(28785, hashtext(current_schema() || '.vacuum'))";
    /** How long one VACUUM may wait on the database before the connection gives up on it: 10 minutes. */
    static final int VACUUM_NETWORK_TIMEOUT_MS = 600_000;

    static final String UNLOCK = "SELECT pg_advisory_unlock(28785, hashtext(current_schema() || '.vacuum'))";

    /** Live and dead row versions of one table, as the statistics collector last counted them. */
    record Rows(long live, long dead) {
        boolean needsVacuum() {
            return dead >= MIN_DEAD && dead >= DEAD_RATIO * live;
        }
    }

    private TableBloat() {}

    static Map<String, Rows> rows(Connection c) throws SQLException {
        Map<String, Rows> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(PostgresSql.TABLE_ROWS)) {
            while (rs.next()) {
                out.put(rs.getString(1), new Rows(rs.getLong(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /** Vacuums the tables that need it, unless another server is doing so; returns how many it vacuumed. */
    static int vacuumWhereDue(Connection c) throws SQLException {
        Map<String, Rows> due = new LinkedHashMap<>();
        rows(c).forEach((table, r) -> {
            if (r.needsVacuum()) {
                due.put(table, r);
            }
        });
        if (due.isEmpty()) {
            return 0;
        }
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(TRY_LOCK)) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return 0;
                }
            }
            // A VACUUM of a table that a large drain or purge left behind runs for longer than the socket timeout
            // that bounds every other statement (15 s by default), which would cut it off and start it again on
            // the next pass, forever. It gets a bound of its own on this connection; the pool resets it after.
            int timeout = c.getNetworkTimeout();
            c.setNetworkTimeout(Runnable::run, VACUUM_NETWORK_TIMEOUT_MS);
            try {
                for (Map.Entry<String, Rows> e : due.entrySet()) {
                    long started = System.nanoTime();
                    // Table names come from the fixed list in PostgresSql.TABLE_ROWS, never from input.
                    s.execute("VACUUM (ANALYZE) " + e.getKey());
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    LOG.info(() -> "PostgreSQL: vacuumed table " + e.getKey() + " ("
                            + e.getValue().dead() + " dead row versions, "
                            + e.getValue().live() + " live) in " + ms + " ms");
                }
            } catch (SQLException e) {
                unlockAfter(s, e);
                throw e;
            } finally {
                if (!c.isClosed()) {
                    c.setNetworkTimeout(Runnable::run, timeout);
                }
            }
            s.execute(UNLOCK);
            return due.size();
        }
    }

    /** Gives the advisory lock back after a failed VACUUM, without hiding why it failed. */
    private static void unlockAfter(Statement s, SQLException failure) {
        try {
            s.execute(UNLOCK);
        } catch (SQLException e) {
            failure.addSuppressed(e); // a broken connection: its session's lock went with it
        }
    }
}
