package io.pullqueue.store.sqlite;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real small filesystem for full-disk tests: a tmpfs of the given size mounted on a fresh directory (needs root,
 * as CI has). When mounting is impossible the test is skipped with the reason.
 */
public final class SmallDisk implements AutoCloseable {
    public final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    public static SmallDisk mount(String size) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pullqueue-small-disk");
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (out != null) {
            Files.deleteIfExists(dir);
            Assumptions.abort("skipped: cannot mount a " + size + " tmpfs for the full-disk test (needs root): " + out);
        }
        return new SmallDisk(dir);
    }

    /** Fills the filesystem up to the last byte with a file {@code filler}. */
    public Path fill() throws IOException {
        Path filler = dir.resolve("filler");
        byte[] chunk = new byte[4096];
        try (OutputStream o = Files.newOutputStream(filler)) {
            while (true) {
                o.write(chunk);
            }
        } catch (IOException full) {
            return filler; // ENOSPC: the disk is full
        }
    }

    public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException {
        try {
            if (run("umount", "-l", dir.toString()) == null) {
                Files.deleteIfExists(dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + dir, e);
        }
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish in 30 s";
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
