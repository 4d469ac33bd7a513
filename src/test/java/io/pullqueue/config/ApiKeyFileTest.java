package io.pullqueue.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.Identity;
import io.pullqueue.core.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndHashedKeysWithTheirIdentityAndRoles() throws IOException {
        Path f = write("keys", """
                # operators
                admin-key-0123456789 root@example.com admin   # the admin
                sha256:%s worker@example.com consumer,producer

                """.formatted(
                        ApiKeyFile.sha256Hex("hashed-key-0123456789").toUpperCase()));
        ApiKeyFile keys = new ApiKeyFile(f);
        assertTrue(keys.reloadIfChanged());
        assertEquals(2, keys.size());
        assertEquals(
                new Identity("root@example.com", Set.of(Role.ADMIN)),
                keys.find("admin-key-0123456789").get());
        assertEquals(
                Set.of(Role.CONSUMER, Role.PRODUCER),
                keys.find("hashed-key-0123456789").get().roles());
        assertTrue(keys.find("unknown-key-0123456789").isEmpty());
        assertTrue(
                keys.find("sha256:" + ApiKeyFile.sha256Hex("hashed-key-0123456789"))
                        .isEmpty(),
                "the hash itself is not a key");
    }

    @Test
    void everyBadLineIsNamedAndTheLastGoodVersionStays() throws IOException {
        Path f = write("keys", "good-key-0123456789 a@example.com producer\n");
        ApiKeyFile keys = new ApiKeyFile(f);
        keys.reloadIfChanged();
        Files.writeString(f, """
                short a@example.com admin
                another-key-0123456789 b@example.com root
                sha256:abc c@example.com admin
                third-key-0123456789 d@example.com
                """);
        Files.setLastModifiedTime(
                f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 2000));
        assertFalse(keys.reloadIfChanged());
        String error = keys.lastError().orElseThrow();
        assertTrue(error.contains("line 1: a key must be at least 16 characters"), error);
        assertTrue(error.contains("line 2: unknown role 'root'"), error);
        assertTrue(error.contains("line 3: sha256: must be followed by 64 hex digits"), error);
        assertTrue(error.contains("line 4: expected KEY EMAIL ROLES, got 2 fields"), error);
        assertTrue(keys.find("good-key-0123456789").isPresent(), "the last good version stays in force");
    }

    @Test
    void aChangedFileIsReadAgain() throws IOException {
        Path f = write("keys", "first-key-0123456789 a@example.com producer\n");
        ApiKeyFile keys = new ApiKeyFile(f);
        keys.reloadIfChanged();
        assertFalse(keys.reloadIfChanged(), "unchanged");
        Files.writeString(f, "second-key-0123456789 a@example.com producer\n");
        Files.setLastModifiedTime(
                f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 2000));
        assertTrue(keys.reloadIfChanged());
        assertTrue(keys.find("first-key-0123456789").isEmpty(), "a removed key stops working");
        assertTrue(keys.find("second-key-0123456789").isPresent());
    }

    @Test
    void aKeyTwiceIsRefused() {
        List<String> errors = new ArrayList<>();
        ApiKeyFile.parse(
                List.of(
                        "same-key-0123456789 a@x admin",
                        "sha256:" + ApiKeyFile.sha256Hex("same-key-0123456789") + " b@x consumer"),
                errors);
        assertEquals(List.of("line 2: the same key appears twice"), errors);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
