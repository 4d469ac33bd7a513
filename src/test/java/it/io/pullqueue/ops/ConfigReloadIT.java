package it.io.pullqueue.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;

/** queue.yaml is re-read when it changes: a valid version applies without restart, an invalid one is refused. */
@MicroShedTest
class ConfigReloadIT {
    private final Path file = Path.of(System.getProperty("pullqueue.it.queue.config"));
    private String original;

    @BeforeEach
    void keep() throws Exception {
        original = Files.readString(file);
    }

    @AfterEach
    void restore() throws Exception {
        replace(original);
        awaitStatus("/api/v1/queues/reloaded-queue", s -> s == 404);
    }

    @Test
    void aValidChangeAppliesAndAnInvalidOneKeepsTheLastGoodVersion() throws Exception {
        replace(original + "\n- name: reloaded-queue\n  mode: pull\n");
        awaitStatus("/api/v1/queues/reloaded-queue", s -> s == 200);

        replace(original + "\n- name: reloaded-queue\n  mode: pull\n  rate: 5/s\n");
        awaitBody("/health/ready", b -> b.contains("rate"));
        assertEquals(200, Http.get("/api/v1/queues/reloaded-queue").status(), "the last good version stays in force");
        assertEquals(200, Http.get("/health/ready").status(), "still ready: a good version is loaded");
        JsonObject refused = Http.get("/api/v1/config").json();
        assertEquals(true, refused.getBoolean("loaded"));
        JsonObject reload = refused.getJsonObject("reload");
        assertEquals("refused", reload.getString("result"));
        assertTrue(reload.getString("error").contains("key \"rate\""), reload.toString());
        assertTrue(reload.containsKey("appliedAt") && reload.containsKey("refusedAt"), reload.toString());
        assertEquals(file.toAbsolutePath().toString(), refused.getString("path"));

        Files.writeString(file, original, StandardCharsets.UTF_8);
        awaitBody("/api/v1/config", b -> b.contains("\"applied\""));
        assertFalse(Http.get("/api/v1/config").json().getJsonObject("reload").containsKey("error"));
    }

    /**
     * Replaces the file in one step, as a deployment tool would: a server polling it never reads it half written
     * (a half-written copy can be a valid queue.yaml with fewer queues, which would fail the tests that follow).
     */
    private void replace(String content) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitStatus(String path, Predicate<Integer> ok) throws InterruptedException {
        await(() -> ok.test(Http.get(path).status()), path);
    }

    private static void awaitBody(String path, Predicate<String> ok) throws InterruptedException {
        await(() -> ok.test(Http.get(path).body()), path);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("condition on " + what + " not met within 30 s");
    }
}
