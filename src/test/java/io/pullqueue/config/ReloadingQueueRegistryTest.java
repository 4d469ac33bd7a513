package io.pullqueue.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ConfigStatus;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: a valid new version applies at once, an invalid one is refused and the last good one stays. */
class ReloadingQueueRegistryTest {
    @TempDir
    Path dir;

    private long modified = 1_700_000_000_000L;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("queue.yaml");
        Files.writeString(f, yaml, StandardCharsets.UTF_8);
        // Each version gets its own modification time, as an editor's save would, however fast the test runs.
        modified += 1000;
        Files.setLastModifiedTime(f, FileTime.fromMillis(modified));
        return f;
    }

    private static Set<String> names(ReloadingQueueRegistry r) {
        return r.all().stream().map(QueueSpec::name).collect(Collectors.toSet());
    }

    @Test
    void firstValidVersionIsApplied() throws IOException {
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: a\n  mode: pull\n"));
        assertFalse(r.loaded());
        assertTrue(r.reloadIfChanged());
        assertTrue(r.loaded());
        assertEquals(Set.of("a", "default"), names(r));
        assertEquals(QueueMode.PULL, r.find("a").orElseThrow().mode());
        assertTrue(r.lastError().isEmpty());
    }

    @Test
    void anUnchangedFileIsNotReapplied() throws IOException {
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: a\n  mode: pull\n"));
        assertTrue(r.reloadIfChanged());
        assertFalse(r.reloadIfChanged());
        // Touched but with the same content: still nothing to apply.
        write("queue:\n- name: a\n  mode: pull\n");
        assertFalse(r.reloadIfChanged());
    }

    @Test
    void newQueuesAppearChangedLimitsApplyRemovedQueuesDisappear() throws IOException {
        Path f = write("queue:\n- name: a\n  mode: pull\n- name: b\n  mode: pull\n");
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(f);
        r.reloadIfChanged();
        write("queue:\n- name: a\n  mode: pull\n  retry_parameters:\n    task_retry_limit: 2\n"
                + "- name: c\n  mode: pull\n");
        assertTrue(r.reloadIfChanged());
        assertEquals(Set.of("a", "c", "default"), names(r));
        assertEquals(2, r.find("a").orElseThrow().retryLimit());
        assertTrue(r.find("b").isEmpty());
    }

    @Test
    void anInvalidVersionIsRefusedAndTheLastGoodOneStays() throws IOException {
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: a\n  mode: pull\n"));
        r.reloadIfChanged();
        write("queue:\n- name: a\n  mode: pull\n  rate: 5/s\n- name: z\n  mode: pull\n");
        assertFalse(r.reloadIfChanged());
        assertEquals(Set.of("a", "default"), names(r));
        assertTrue(r.loaded());
        String error = r.lastError().orElseThrow();
        assertTrue(error.startsWith("queue.yaml:4: queue \"a\": key \"rate\""), error);
        // Fixed: applies, and the error is cleared.
        write("queue:\n- name: a\n  mode: pull\n- name: z\n  mode: pull\n");
        assertTrue(r.reloadIfChanged());
        assertEquals(Set.of("a", "z", "default"), names(r));
        assertTrue(r.lastError().isEmpty());
    }

    @Test
    void anInvalidFirstVersionLeavesOnlyTheDefaultQueueAndNotLoaded() throws IOException {
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: bad_name\n  mode: pull\n"));
        assertFalse(r.reloadIfChanged());
        assertFalse(r.loaded());
        assertEquals(Set.of("default"), names(r));
        assertTrue(r.lastError().orElseThrow().contains("key \"name\""));
    }

    @Test
    void aMissingFileIsReportedAndTheLastGoodVersionStays() throws IOException {
        Path f = write("queue:\n- name: a\n  mode: pull\n");
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(f);
        r.reloadIfChanged();
        Files.delete(f);
        assertFalse(r.reloadIfChanged());
        assertTrue(r.lastError().orElseThrow().endsWith("file not found"));
        assertEquals(Set.of("a", "default"), names(r));
        write("queue:\n- name: a\n  mode: pull\n");
        r.reloadIfChanged();
        assertTrue(r.lastError().isEmpty());
    }

    @Test
    void anOversizedFileIsRefusedWithoutReadingIt() throws IOException {
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: a\n  mode: pull\n"));
        r.reloadIfChanged();
        write("#".repeat(QueueYamlParser.MAX_FILE_BYTES + 1));
        assertFalse(r.reloadIfChanged());
        assertTrue(r.lastError().orElseThrow().contains("the limit is " + QueueYamlParser.MAX_FILE_BYTES));
        assertEquals(Set.of("a", "default"), names(r));
    }

    @Test
    void aVersionThatWouldRemoveEveryQueueIsRefusedAsABrokenWrite() throws IOException {
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: a\n  mode: pull\n"));
        assertTrue(r.reloadIfChanged());
        for (String broken : new String[] {"", "queue:\n", "# truncated\n", "queue:\n- name: b\n  mode: pull\n"}) {
            write(broken);
            assertFalse(r.reloadIfChanged(), broken);
            assertEquals(Set.of("a", "default"), names(r), "the last good version stays: " + broken);
            assertTrue(
                    r.lastError().orElseThrow().contains("would remove every queue"),
                    r.lastError().toString());
        }
        // Keeping one queue is an ordinary change.
        write("queue:\n- name: a\n  mode: pull\n- name: b\n  mode: pull\n");
        assertTrue(r.reloadIfChanged());
        write("queue:\n- name: b\n  mode: pull\n");
        assertTrue(r.reloadIfChanged());
        assertEquals(Set.of("b", "default"), names(r));
    }

    @Test
    void theStatusSaysWhenTheVersionInForceWasAppliedAndWhyANewerOneWasRefused() throws IOException {
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        TestClock clock = new TestClock(t0);
        ReloadingQueueRegistry r = new ReloadingQueueRegistry(write("queue:\n- name: a\n  mode: pull\n"), clock);
        assertEquals(new ConfigStatus(false, null, null, null), r.status());
        r.reloadIfChanged();
        assertEquals(new ConfigStatus(true, t0, null, null), r.status());

        clock.advance(Duration.ofSeconds(5));
        write("queue:\n- name: a\n  mode: pull\n  rate: 5/s\n");
        r.reloadIfChanged();
        ConfigStatus refused = r.status();
        assertEquals(t0, refused.appliedAt(), "the last good version stays, with its time");
        assertEquals(t0.plusSeconds(5), refused.refusedAt());
        assertTrue(refused.error().contains("key \"rate\""), refused.error());

        clock.advance(Duration.ofSeconds(4));
        write("queue:\n- name: a\n  mode: pull\n- name: b\n  mode: pull\n");
        r.reloadIfChanged();
        assertEquals(new ConfigStatus(true, t0.plusSeconds(9), null, null), r.status());
    }
}
