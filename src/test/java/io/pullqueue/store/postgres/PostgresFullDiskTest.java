package io.pullqueue.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.NewTask;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.TaskPage;
import io.pullqueue.store.sqlite.SmallDisk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's full disk is the database server's: here a database whose tablespace is a real 8 MiB tmpfs (the
 * server's WAL stays on its own disk). PostgreSQL refuses the write that does not fit (disk_full), the store answers
 * STORAGE_FULL, and that answer is true: nothing of a refused add is stored.
 */
class PostgresFullDiskTest {
    private static final long NOW = 1_700_000_000_000_000L;
    private static final String Q = "q";

    @Test
    void aFullDiskRefusesAddsWithStorageFullAndNothingRefusedIsStored() throws Exception {
        Assumptions.assumeTrue(
                TestDatabase.HOST_PORT.startsWith("127.0.0.1:") || TestDatabase.HOST_PORT.startsWith("localhost:"),
                "the tablespace must be on this machine's PostgreSQL");
        String name = "pullqueue_it_full_" + ProcessHandle.current().pid();
        try (SmallDisk disk = SmallDisk.mount("8m")) {
            Process chown = new ProcessBuilder("chown", "postgres:postgres", disk.dir.toString()).start();
            Assumptions.assumeTrue(chown.waitFor() == 0, "cannot give the tmpfs to the postgres user");
            TestDatabase.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            TestDatabase.admin("DROP TABLESPACE IF EXISTS " + name);
            TestDatabase.admin("CREATE TABLESPACE " + name + " LOCATION '" + disk.dir + "'");
            try {
                TestDatabase.admin("CREATE DATABASE " + name + " TABLESPACE " + name);
                fillAndCheck(name);
            } finally {
                TestDatabase.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                TestDatabase.admin("DROP TABLESPACE IF EXISTS " + name);
            }
        }
    }

    private static void fillAndCheck(String database) {
        PostgresTaskStore store = new PostgresTaskStore(TestDatabase.dataSource(database, null));
        store.initialize();
        Set<String> acked = new HashSet<>();
        Set<String> refused = new HashSet<>();
        Random random = new Random(3);
        QueueException full = null;
        for (int b = 0; b < 200 && full == null; b++) {
            List<NewTask> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] payload = new byte[50_000];
                random.nextBytes(payload);
                tasks.add(new NewTask("b" + b + "-" + i, payload, null, NOW, null));
            }
            List<String> names = tasks.stream().map(NewTask::name).toList();
            try {
                assertEquals(Collections.nCopies(10, ErrorCode.OK), store.taskAddMany(Q, tasks, NOW));
                acked.addAll(names);
            } catch (QueueException e) {
                full = e;
                refused.addAll(names);
            }
        }
        assertTrue(full != null, "an 8 MiB tablespace cannot take 200 batches of 500 kB");
        assertEquals(ErrorCode.STORAGE_FULL, full.code(), full.getMessage());
        store.close();

        PostgresTaskStore reopened = new PostgresTaskStore(TestDatabase.dataSource(database, null));
        Set<String> stored = new HashSet<>();
        for (String after = null; ; ) {
            TaskPage page = reopened.taskList(Q, after, 1000, false);
            page.tasks().forEach(t -> stored.add(t.name()));
            if (page.nextCursor() == null) {
                break;
            }
            after = page.tasks().get(page.tasks().size() - 1).name();
        }
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(stored);
        Set<String> refusedStored = new HashSet<>(refused);
        refusedStored.retainAll(stored);
        System.out.printf(
                "PostgreSQL full disk: %d acknowledged, %d refused; acknowledged-but-missing %d, "
                        + "refused-but-stored %d%n",
                acked.size(), refused.size(), missing.size(), refusedStored.size());
        assertEquals(Set.of(), missing, "acknowledged but missing");
        assertEquals(Set.of(), refusedStored, "refused but stored");
    }
}
