package io.pullqueue.store.sqlite;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseOutcome;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.StorageStatus;
import io.pullqueue.core.TaskStore;
import io.pullqueue.store.Jdbc;
import io.pullqueue.store.SqlTaskStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The embedded {@link TaskStore}: SQLite in WAL mode. SQLite allows one writer at a time, so every write goes
 * through {@link GroupCommit}: one writer at a time, and the writes that queued up during a commit share the next
 * transaction (one fsync for all of them); reads run concurrently on their own connections and see the last
 * committed state. Connections must not be enlisted in global transactions:
 * this store commits and rolls back itself.
 */
public final class SqliteTaskStore extends SqlTaskStore {
    private static final Logger LOG = Logger.getLogger(SqliteTaskStore.class.getName());

    /** The default free-space floor below which adds are refused: 64 MiB. */
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

    private final GroupCommit writer;
    private final DiskRoom room;

    public SqliteTaskStore(DataSource dataSource) {
        this(dataSource, DEFAULT_MIN_FREE_BYTES);
    }

    /** A store with the given free-space floor and no reserve file. */
    public SqliteTaskStore(DataSource dataSource, long minFreeBytes) {
        this(dataSource, minFreeBytes, 0);
    }

    /**
     * @param minFreeBytes adds are refused with STORAGE_FULL when they would leave less room than this on the
     *     database's filesystem (room: the filesystem's usable space plus the database's free pages)
     * @param reserveBytes size of the reserve file {@code pullqueue.reserve} kept next to the database: given up
     *     when a lease, lease change or delete finds the disk full (filled by something else than adds), so that
     *     it can run; made again when there is room
     */
    public SqliteTaskStore(DataSource dataSource, long minFreeBytes, long reserveBytes) {
        this(dataSource, new GroupCommit(dataSource), minFreeBytes, reserveBytes);
    }

    private SqliteTaskStore(DataSource dataSource, GroupCommit writer, long minFreeBytes, long reserveBytes) {
        super(dataSource, writer, SqliteSql.DIALECT);
        this.writer = writer;
        this.room = new DiskRoom(
                minFreeBytes,
                reserveBytes,
                () -> read("count the database's free pages", c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(SqliteSql.FREE_BYTES)) {
                        return rs.next() ? rs.getLong(1) : 0L;
                    }
                }));
    }

    @Override
    public void initialize() {
        int found = write("initialize the schema", SqliteSchema::migrate);
        String journal = read("read the journal mode", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.JOURNAL_MODE)) {
                return rs.next() ? rs.getString(1) : "unknown";
            }
        });
        String file = read("find the database file", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.DATABASE_FILE)) {
                return rs.next() ? rs.getString(1) : "";
            }
        });
        LOG.info(() -> "SQLite task store ready: schema version " + SqliteSchema.CURRENT_VERSION
                + (found == SqliteSchema.CURRENT_VERSION ? "" : " (was " + found + ")")
                + ", journal_mode " + journal + ", adds refused below " + room.minFreeBytes() + " bytes free");
        room.watch(file);
        writer.checkpointEvery(room.checkpointPages(read("read the page size", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SqliteSql.PAGE_SIZE)) {
                return rs.next() ? rs.getLong(1) : 4096L;
            }
        })));
        if (!"wal".equalsIgnoreCase(journal)) {
            LOG.warning(() -> "SQLite journal_mode is " + journal + ", not WAL: reads will wait for writes");
        }
    }

    @Override
    public Room reserveRoom(long bytes) {
        return room.reserveRoom(bytes);
    }

    @Override
    public StorageStatus storage() {
        return room.storage();
    }

    /**
     * On a full disk, runs again on the storage reserve's space, then after the write-ahead log was truncated
     * ({@link DiskRoom#carry}).
     */
    @Override
    protected <T> T writeFreeing(String operation, Jdbc.SqlWork<T> work) {
        return room.carry(
                () -> write(operation, work),
                () -> writer.alone("truncate the write-ahead log", c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SqliteSql.TRUNCATE_LOG);
                    }
                    return null;
                }));
    }

    @Override
    protected LeaseOutcome lease(Connection c, LeaseQuery query) throws SQLException {
        return new SqliteLease.Work(query).run(c);
    }

    /** A lease that the group commit may run as one statement with other leases of its queue and filter. */
    @Override
    protected Jdbc.SqlWork<LeaseOutcome> leaseWork(LeaseQuery query) {
        return new SqliteLease.Work(query);
    }

    /** The store's writer (tests hold its lock to queue writes behind it). */
    GroupCommit writer() {
        return writer;
    }

    /** The queue's paused flag, read inside the caller's transaction. */
    static boolean paused(Connection c, String queue) throws SQLException {
        return pausedIn(c, queue);
    }

    @Override
    protected List<ErrorCode> deleteNames(
            Connection c, String queue, List<String> names, long nowUsec, long tombstoneExpiresUsec)
            throws SQLException {
        return SqliteDeletes.delete(c, queue, names, nowUsec, tombstoneExpiresUsec);
    }

    @Override
    public int taskRemoveExhausted(
            String queue, Integer queueRetryLimit, long nowUsec, long tombstoneExpiresUsec, int batch) {
        String operation = "remove tasks past their retry limit from queue " + queue;
        List<String> names = read(operation, c -> SqliteSweep.find(c, queue, queueRetryLimit, nowUsec, batch));
        if (names.isEmpty()) {
            return 0;
        }
        return writeFreeing(
                operation, c -> SqliteSweep.remove(c, queue, names, queueRetryLimit, nowUsec, tombstoneExpiresUsec));
    }
}
