package io.pullqueue.service;

import io.pullqueue.core.TaskStore;
import io.pullqueue.store.sqlite.SqliteTaskStore;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses and builds the {@link TaskStore}. The embedded SQLite store is the default; its database file lives in
 * {@code pullqueue.data.dir} (env {@code PULLQUEUE_DATA_DIR}), by default the server's output directory.
 */
@ApplicationScoped
public class StoreProducer {
    private static final Logger LOG = Logger.getLogger(StoreProducer.class.getName());

    @Resource(lookup = "jdbc/pullqueue-sqlite", shareable = false)
    DataSource sqlite;

    @Inject
    @ConfigProperty(name = "pullqueue.data.dir")
    Optional<String> dataDir;

    @Produces
    @ApplicationScoped
    TaskStore store() {
        dataDir.filter(d -> !d.contains("${")).ifPresent(StoreProducer::ensureDirectory);
        LOG.info(() -> "pullqueue store: embedded SQLite in " + dataDir.orElse("the server output directory"));
        return new SqliteTaskStore(sqlite);
    }

    private static void ensureDirectory(String dir) {
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir
                    + " (pullqueue.data.dir / PULLQUEUE_DATA_DIR)", e);
        }
    }
}
