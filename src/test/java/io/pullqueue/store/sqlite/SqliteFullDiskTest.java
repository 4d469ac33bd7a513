package io.pullqueue.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.LeaseQuery;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskPage;
import io.pullqueue.core.TaskStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SQLite store on a real 8 MiB filesystem that fills up: an add is refused (STORAGE_FULL) before it starts
 * below the free-space floor, and when the disk fills anyway the database's own refusal changes nothing; leases and
 * deletes go on while it is full; adds resume by themselves when room returns. Outcomes are checked on a store
 * reopened over the same files, as after a restart: nothing acknowledged is missing, nothing refused is there.
 */
class SqliteFullDiskTest {
    private static final long NOW = 1_700_000_000_000_000L;
    private static final long MIB = 1 << 20;
    private static final String Q = "q";

    private SmallDisk disk;
    private java.sql.Connection keepOpen;
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Random random = new Random(7);

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount("8m");
    }

    @AfterEach
    void unmount() throws Exception {
        if (keepOpen != null) {
            keepOpen.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    private SqliteTaskStore open(long minFreeBytes, long reserveBytes) {
        SqliteTaskStore s = new SqliteTaskStore(
                SqliteTaskStoreTest.dataSource(disk.dir.resolve("pullqueue.db")), minFreeBytes, reserveBytes);
        s.initialize();
        return s;
    }

    private List<NewTask> batch(String prefix, int n, int payloadBytes) {
        List<NewTask> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] payload = new byte[payloadBytes];
            random.nextBytes(payload); // incompressible, like real payloads
            tasks.add(new NewTask(prefix + "-" + i, payload, null, NOW, null));
        }
        return tasks;
    }

    /** Adds the batch; records its names as acknowledged or refused. Returns the refusal, or null. */
    private QueueException add(SqliteTaskStore store, List<NewTask> tasks) {
        List<String> names = tasks.stream().map(NewTask::name).toList();
        try {
            long bytes = tasks.stream()
                    .mapToLong(t -> t.payload().length + t.name().length())
                    .sum();
            TaskStore.Room room = store.reserveRoom(bytes);
            try {
                List<ErrorCode> codes = store.taskAddMany(Q, tasks, NOW);
                assertEquals(Collections.nCopies(tasks.size(), ErrorCode.OK), codes);
            } finally {
                room.close();
            }
            acked.addAll(names);
            return null;
        } catch (QueueException e) {
            assertEquals(ErrorCode.STORAGE_FULL, e.code(), e.getMessage());
            refused.addAll(names);
            return e;
        }
    }

    private static Set<String> stored(SqliteTaskStore store) {
        Set<String> names = new HashSet<>();
        String after = null;
        while (true) {
            TaskPage page = store.taskList(Q, after, 1000, false);
            page.tasks().forEach(t -> names.add(t.name()));
            if (page.nextCursor() == null) {
                return names;
            }
            after = page.tasks().get(page.tasks().size() - 1).name();
        }
    }

    /** After a restart: 0 acknowledged-but-missing, 0 refused-but-stored. */
    private void assertOutcomesHold() {
        Set<String> stored = stored(open(0, 0));
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(stored);
        Set<String> refusedStored = new HashSet<>(refused);
        refusedStored.retainAll(stored);
        System.out.printf(
                "full disk: %d acknowledged, %d refused, %d stored; acknowledged-but-missing %d, "
                        + "refused-but-stored %d%n",
                acked.size(), refused.size(), stored.size(), missing.size(), refusedStored.size());
        assertEquals(Set.of(), missing, "acknowledged but missing");
        assertEquals(Set.of(), refusedStored, "refused but stored");
    }

    @Test
    void addsStopAtTheFloorWhileLeasesAndDeletesGoOnAndAddsResumeWhenRoomReturns() throws Exception {
        SqliteTaskStore store = open(2 * MIB, 0);
        // A connection held open as the server's pool holds them: the log is then reused between checkpoints, not
        // deleted after every write, and what it holds reaches the database file only at the next checkpoint.
        keepOpen =
                SqliteTaskStoreTest.dataSource(disk.dir.resolve("pullqueue.db")).getConnection();
        int batches = 0;
        while (add(store, batch("b" + batches, 10, 20_000)) == null) {
            batches++;
            assertTrue(batches < 100, "an 8 MiB disk cannot take 100 batches of 200 kB");
        }
        assertTrue(batches > 3, "some batches went in before the floor: " + batches);
        assertTrue(store.storage().full(), "storage reports full");
        assertTrue(disk.usable() > MIB, "the floor kept room: " + disk.usable());

        List<Task> leased = store.taskLease(
                        new LeaseQuery(Q, 1000, TagFilter.ANY, NOW, NOW + 60_000_000L, null, NOW + 3_600_000_000L))
                .leased();
        assertEquals(acked.size(), leased.size(), "every task leased while adds are refused");
        Task first = leased.get(0);
        assertEquals(ErrorCode.OK, store.taskModifyLease(Q, first.name(), first.etaUsec(), NOW + 1, NOW));
        List<String> names = leased.stream().map(Task::name).toList();
        List<ErrorCode> deleted = store.taskDeleteMany(Q, names, NOW, NOW + 3_600_000_000L);
        assertEquals(Collections.nCopies(names.size(), ErrorCode.OK), deleted, "deletes while adds are refused");
        acked.removeAll(names);

        assertFalse(store.storage().full(), "the deleted tasks' pages count as room again");
        assertEquals(null, add(store, batch("again", 10, 20_000)), "adds resume by themselves");
        assertOutcomesHold();
    }

    @Test
    void aDiskFilledByOthersRefusesAddsWithoutStoringThemAndTheReserveCarriesLeasesAndDeletes() throws Exception {
        // No floor: every add reaches SQLite, whose own "disk full" must leave nothing behind, under group commit too.
        SqliteTaskStore store = open(Long.MIN_VALUE / 4, MIB);
        assertTrue(Files.size(disk.dir.resolve("pullqueue.reserve")) >= MIB, "reserve file made at start");
        for (int b = 0; b < 10; b++) {
            assertEquals(null, add(store, batch("keep" + b, 10, 20_000)));
        }
        Path filler = disk.fill();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<QueueException>> adds = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                List<NewTask> tasks = batch("full" + t, 10, 20_000);
                adds.add(pool.submit(() -> add(store, tasks)));
            }
            for (Future<QueueException> f : adds) {
                QueueException e = f.get();
                assertTrue(e != null && e.code() == ErrorCode.STORAGE_FULL, "an add on a full disk is refused");
            }
        } finally {
            pool.shutdownNow();
        }

        List<Task> leased = store.taskLease(
                        new LeaseQuery(Q, 30, TagFilter.ANY, NOW, NOW + 60_000_000L, null, NOW + 3_600_000_000L))
                .leased();
        assertEquals(30, leased.size(), "leases go on when the disk is full (on the reserve)");
        List<String> names = leased.stream().map(Task::name).toList();
        assertEquals(
                Collections.nCopies(30, ErrorCode.OK),
                store.taskDeleteMany(Q, names, NOW, NOW + 1),
                "deletes go on when the disk is full");
        acked.removeAll(names);
        assertFalse(Files.exists(disk.dir.resolve("pullqueue.reserve")), "the reserve was given up");

        Files.delete(filler);
        assertEquals(null, add(store, batch("after", 10, 20_000)), "adds resume once room returns");
        assertTrue(Files.size(disk.dir.resolve("pullqueue.reserve")) >= MIB, "the reserve is made again");
        assertOutcomesHold();
    }

    @Test
    void leasesAndDeletesGoOnLongAfterTheReserveIsSpentOnADiskFilledToTheLastByte() throws Exception {
        // The reserve is given up once; the WAL then grows with every lease until SQLite checkpoints it (1,000
        // pages by default, far more than this reserve): leases and deletes must go on all the same.
        SqliteTaskStore store = open(MIB, 256 * 1024);
        // A connection held open as the server's pool holds them: else SQLite deletes the log whenever the last
        // connection closes, and every write starts a new one.
        keepOpen =
                SqliteTaskStoreTest.dataSource(disk.dir.resolve("pullqueue.db")).getConnection();
        for (int b = 0; b < 12; b++) {
            assertEquals(null, add(store, batch("keep" + b, 10, 20_000)));
        }
        disk.fill();
        long now = NOW;
        for (int round = 0; round < 300; round++) {
            now += 7_200_000_000L; // two hours on: every earlier lease has expired, the tasks are due again
            long at = now;
            List<Task> leased = store.taskLease(
                            new LeaseQuery(Q, 10, TagFilter.ANY, at, at + 60_000_000L, null, at + 3_600_000_000L))
                    .leased();
            assertEquals(10, leased.size(), "round " + round + ": a lease on a full disk");
            Task first = leased.get(0);
            assertEquals(
                    ErrorCode.OK,
                    store.taskModifyLease(Q, first.name(), first.etaUsec(), at + 120_000_000L, at),
                    "round " + round + ": a lease change on a full disk");
            if (round % 50 == 49) {
                List<String> names = List.of(leased.get(1).name());
                assertEquals(
                        List.of(ErrorCode.OK),
                        store.taskDeleteMany(Q, names, at, at + 1),
                        "round " + round + ": a delete on a full disk");
                acked.removeAll(names);
            }
        }
        // The whole queue drains on the full disk; its pages become free pages of the database, far more than the
        // floor, but the log's copy of an add needs the filesystem's own space: adds are still refused.
        while (!acked.isEmpty()) {
            now += 7_200_000_000L;
            long at = now;
            List<String> names =
                    store
                            .taskLease(new LeaseQuery(Q, 10, TagFilter.ANY, at, at + 60_000_000L, null, at))
                            .leased()
                            .stream()
                            .map(Task::name)
                            .toList();
            assertTrue(!names.isEmpty(), "tasks to lease on the full disk: " + acked.size() + " left");
            assertEquals(Collections.nCopies(names.size(), ErrorCode.OK), store.taskDeleteMany(Q, names, at, at + 1));
            acked.removeAll(names);
        }
        assertTrue(store.storage().usableBytes() > 2 * MIB, "the drained tasks' pages count as room");
        disk.fill(); // again: truncating the log gave some space back
        QueueException refusedAdd = add(store, batch("on-a-full-disk", 1, 1000));
        assertTrue(
                refusedAdd != null && refusedAdd.getMessage().contains("pullqueue.storage.min.free.bytes"),
                "an add on a disk without space of its own for the log is refused before it starts: " + refusedAdd);
        assertOutcomesHold();
    }

    @Test
    void refusalNamesTheFloorAndTheWayOut() {
        SqliteTaskStore store = open(64 * MIB, 0);
        QueueException e = assertThrows(QueueException.class, () -> store.reserveRoom(1));
        assertEquals(ErrorCode.STORAGE_FULL, e.code());
        assertTrue(e.getMessage().contains("pullqueue.storage.min.free.bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("leases and deletes still work"), e.getMessage());
    }

    @Test
    void readinessStaysFullWhileTheLargestRefusedAddStillDoesNotFit() throws Exception {
        Path file = Files.createFile(disk.dir.resolve("room.db"));
        long floor = MIB;
        DiskRoom room = new DiskRoom(floor, 0, () -> 0);
        room.watch(file.toString());
        long above = Files.getFileStore(file).getUsableSpace() - floor; // room above the floor
        // An add is let in and holds half of that room (twice its bytes: log and database file).
        TaskStore.Room letIn = room.reserveRoom(above / 4);
        // A large add does not fit at all; a small one fits alone but not beside the one in progress.
        assertThrows(QueueException.class, () -> room.reserveRoom(above));
        assertThrows(QueueException.class, () -> room.reserveRoom(above * 3 / 8));
        letIn.close(); // its room is given back (it failed, say)
        assertTrue(room.storage().full(), "an add of the large refused size still would not fit");
        TaskStore.Room small = room.reserveRoom(above * 3 / 8);
        small.close();
        assertFalse(room.storage().full(), "an add was let in since, and nothing refused after it");
    }
}
