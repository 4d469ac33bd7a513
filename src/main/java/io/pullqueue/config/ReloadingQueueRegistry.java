package io.pullqueue.config;

import io.pullqueue.core.ConfigStatus;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueRegistry;
import io.pullqueue.core.QueueSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The queues of one queue.yaml, re-read when the file changes. A valid new version replaces the queues at once;
 * an invalid one is refused (one logged line) and the last good version stays in force. Queues removed from the
 * file disappear from {@link #find} (their stored tasks are kept).
 */
public final class ReloadingQueueRegistry implements QueueRegistry {
    private static final Logger LOG = Logger.getLogger(ReloadingQueueRegistry.class.getName());

    private final Path path;
    private final QueueYamlParser parser = new QueueYamlParser();
    private volatile Map<String, QueueSpec> queues = Map.of("default", QueueSpec.push("default"));
    private volatile boolean loaded;
    private volatile String lastError;
    private volatile Instant appliedAt;
    private volatile Instant refusedAt;
    private final Clock clock;
    private long seenSize = -1;
    private long seenModified = -1;
    private byte[] seenHash;

    public ReloadingQueueRegistry(Path path) {
        this(path, Clock.systemUTC());
    }

    /** @param clock tells when a version was applied or refused */
    public ReloadingQueueRegistry(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    /** The last reload's outcome. */
    public ConfigStatus status() {
        String error = lastError;
        return new ConfigStatus(loaded, appliedAt, error, error == null ? null : refusedAt);
    }

    @Override
    public Optional<QueueSpec> find(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public Collection<QueueSpec> all() {
        return queues.values();
    }

    public Path path() {
        return path;
    }

    /** True once a valid version has been applied. */
    public boolean loaded() {
        return loaded;
    }

    /** Why the newest version of the file was refused, or empty when it is in force. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Re-reads the file if its size, modification time or content changed since the last look, and applies it
     * when valid. Returns true when a new version was applied.
     */
    public boolean reloadIfChanged() {
        Optional<QueueConfig> changed = readIfChanged();
        changed.ifPresent(this::apply);
        return changed.isPresent();
    }

    /**
     * Re-reads the file if its size, modification time or content changed since the last look: the new version
     * when it is valid (not yet in force: {@link #apply} does that), empty when nothing changed or the new version
     * was refused.
     */
    public synchronized Optional<QueueConfig> readIfChanged() {
        byte[] content;
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            long modified = a.lastModifiedTime().toMillis();
            if (a.size() == seenSize && modified == seenModified) {
                return Optional.empty();
            }
            if (a.size() > QueueYamlParser.MAX_FILE_BYTES) {
                return refuse(
                        null,
                        path + ": file is " + a.size() + " bytes; the limit is " + QueueYamlParser.MAX_FILE_BYTES,
                        a.size(),
                        modified);
            }
            content = read();
            byte[] hash = sha256(content);
            if (Arrays.equals(hash, seenHash)) {
                seenSize = a.size();
                seenModified = modified;
                return Optional.empty();
            }
            seenSize = a.size();
            seenModified = modified;
            seenHash = hash;
        } catch (NoSuchFileException e) {
            return refuse(null, path + ": file not found", -2, -2);
        } catch (IOException e) {
            return refuse(null, path + ": cannot be read: " + e.getMessage(), -2, -2);
        }
        try {
            QueueConfig config = parser.parse(path.getFileName().toString(), content);
            if (removesEveryQueue(config)) {
                return refuse(
                        seenHash,
                        path + ": the new version would remove every queue ("
                                + String.join(", ", declared(queues.values()))
                                + "); refused as a broken or truncated write."
                                + " To replace every queue, add the new ones first, then remove the old ones",
                        seenSize,
                        seenModified);
            }
            return Optional.of(config);
        } catch (QueueConfigException e) {
            return refuse(seenHash, String.join("; ", e.errors()), seenSize, seenModified);
        }
    }

    /**
     * True when a version is in force that declares queues and {@code config} keeps none of them: what an empty
     * file, one holding just {@code queue:}, or an editor's truncated write looks like.
     */
    private boolean removesEveryQueue(QueueConfig config) {
        List<String> current = declared(queues.values());
        return loaded
                && !current.isEmpty()
                && declared(config.queues()).stream().noneMatch(current::contains);
    }

    /** The names of the declared queues, without the implicit {@code default} push queue. */
    private static List<String> declared(Collection<QueueSpec> specs) {
        return specs.stream()
                .map(QueueSpec::name)
                .filter(n -> !n.equals("default"))
                .toList();
    }

    private byte[] read() throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] b = in.readNBytes(QueueYamlParser.MAX_FILE_BYTES + 1);
            return b;
        }
    }

    /** Puts a version read by {@link #readIfChanged} in force, at once. */
    public void apply(QueueConfig config) {
        Map<String, QueueSpec> m = new LinkedHashMap<>();
        config.queues().forEach(q -> m.put(q.name(), q));
        queues = Map.copyOf(m);
        loaded = true;
        lastError = null;
        appliedAt = clock.instant();
        config.warnings().forEach(w -> LOG.warning("queue.yaml: " + w));
        LOG.info(() -> "queue.yaml applied from " + path + ": pull queues "
                + m.values().stream()
                        .filter(q -> q.mode() == QueueMode.PULL)
                        .map(QueueSpec::name)
                        .collect(Collectors.joining(", "))
                + "; push queues (not served) "
                + m.values().stream()
                        .filter(q -> q.mode() == QueueMode.PUSH)
                        .map(QueueSpec::name)
                        .collect(Collectors.joining(", ")));
    }

    private Optional<QueueConfig> refuse(byte[] hash, String error, long size, long modified) {
        boolean changed = !error.equals(lastError);
        seenSize = size;
        seenModified = modified;
        seenHash = hash;
        lastError = error;
        if (changed) {
            refusedAt = clock.instant();
            LOG.severe("queue.yaml refused" + (loaded ? " (the last good version stays in force)" : "") + ": " + error);
        }
        return Optional.empty();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
