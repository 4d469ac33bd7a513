package io.pullqueue.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** How long one VACUUM or ANALYZE may wait on the database before the connection gives up on it: 10 minutes. */
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
        boolean ran = eachUnderLock(c, List.copyOf(due.keySet()), (s, table) -> {
            long started = System.nanoTime();
            s.execute("VACUUM (ANALYZE) " + table);
            long ms = (System.nanoTime() - started) / 1_000_000;
            Rows r = due.get(table);
            LOG.info(() -> "PostgreSQL: vacuumed table " + table + " (" + r.dead() + " dead row versions, " + r.live()
                    + " live) in " + ms + " ms");
        });
        return ran ? due.size() : 0;
    }

    /** A maintenance command on one table. */
    interface TableCommand {
        void run(Statement s, String table) throws SQLException;
    }

    /**
     * Runs the command on each table, unless another server holds the maintenance lock (then false). Table names
     * come from the fixed lists of the maintenance queries, never from input. A command on a table that a large
     * drain or purge left behind runs for longer than the socket timeout that bounds every other statement (15 s
     * by default), which would cut it off and start it again on the next pass, forever: it gets a bound of its own
     * on this connection; the pool resets it after.
     */
    static boolean eachUnderLock(Connection c, List<String> tables, TableCommand command) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(TRY_LOCK)) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
            int timeout = c.getNetworkTimeout();
            c.setNetworkTimeout(Runnable::run, VACUUM_NETWORK_TIMEOUT_MS);
            try {
                for (String table : tables) {
                    command.run(s, table);
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
            return true;
        }
    }

    /** Gives the advisory lock back after a failed command, without hiding why it failed. */
    private static void unlockAfter(Statement s, SQLException failure) {
        try {
            s.execute(UNLOCK);
        } catch (SQLException e) {
            failure.addSuppressed(e); // a broken connection: its session's lock went with it
        }
    }
}
