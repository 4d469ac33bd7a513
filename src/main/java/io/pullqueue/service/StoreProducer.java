package io.pullqueue.service;

import io.pullqueue.core.TaskStore;
import io.pullqueue.store.postgres.PostgresTaskStore;
import io.pullqueue.store.sqlite.SqliteTaskStore;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses and builds the {@link TaskStore} from {@code pullqueue.store} (env {@code PULLQUEUE_STORE}):
 * {@code sqlite} (the default) is the embedded database in {@code pullqueue.data.dir}, for one server;
 * {@code postgres} is the PostgreSQL database of the server's {@code jdbc/pullqueue-postgres} data source, which
 * several servers can share.
 */
@ApplicationScoped
public class StoreProducer {
    private static final Logger LOG = Logger.getLogger(StoreProducer.class.getName());

    @Resource(lookup = "jdbc/pullqueue-sqlite", shareable = false)
    DataSource sqlite;

    @Resource(lookup = "jdbc/pullqueue-postgres", shareable = false)
    DataSource postgres;

    @Inject
    @ConfigProperty(name = "pullqueue.store")
    String kind;

    @Inject
    @ConfigProperty(name = "pullqueue.data.dir")
    Optional<String> dataDir;

    /** Adds are refused (STORAGE_FULL) when they would leave less room than this for the embedded database. */
    @Inject
    @ConfigProperty(name = "pullqueue.storage.min.free.bytes", defaultValue = "67108864")
    long minFreeBytes;

    /** Size of the reserve file that leases and deletes may use when something else filled the disk. */
    @Inject
    @ConfigProperty(name = "pullqueue.storage.reserve.bytes", defaultValue = "16777216")
    long reserveBytes;

    @Produces
    @ApplicationScoped
    TaskStore store() {
        switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "sqlite":
                dataDir.filter(d -> !d.contains("${")).ifPresent(StoreProducer::ensureDirectory);
                LOG.info(() -> "pullqueue store: embedded SQLite in " + dataDir.orElse("the server output directory"));
                return new SqliteTaskStore(sqlite, minFreeBytes, reserveBytes);
            case "postgres":
                LOG.info(
                        "pullqueue store: PostgreSQL (data source jdbc/pullqueue-postgres); several servers may share it");
                return new PostgresTaskStore(postgres);
            default:
                throw new IllegalStateException(
                        "pullqueue.store (PULLQUEUE_STORE) must be sqlite or postgres, got '" + kind + "'");
        }
    }

    void close(@Disposes TaskStore store) {
        store.close();
    }

    private static void ensureDirectory(String dir) {
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the data directory " + dir + " (pullqueue.data.dir / PULLQUEUE_DATA_DIR)", e);
        }
    }
}
