package io.pullqueue.service;

import io.pullqueue.config.QueueConfig;
import io.pullqueue.config.ReloadingQueueRegistry;
import io.pullqueue.core.ConfigStatus;
import io.pullqueue.core.QueueRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Provides the queues of queue.yaml ({@code pullqueue.queue.config}, env {@code PULLQUEUE_QUEUE_CONFIG}) and
 * re-reads the file when it changed, at most every {@code pullqueue.config.poll.seconds}.
 */
@ApplicationScoped
public class ConfigWatcher {

    @Inject
    @ConfigProperty(name = "pullqueue.queue.config", defaultValue = "queue.yaml")
    String file;

    @Inject
    @ConfigProperty(name = "pullqueue.config.poll.seconds")
    int pollSeconds;

    private ReloadingQueueRegistry registry;

    @PostConstruct
    void load() {
        registry = new ReloadingQueueRegistry(Path.of(file).toAbsolutePath());
        registry.reloadIfChanged();
    }

    @Produces
    @ApplicationScoped
    QueueRegistry registry() {
        return registry;
    }

    /**
     * Called by the maintenance timer once a second: a new, valid version of queue.yaml when one is due to be
     * looked for and the file changed. {@link QueueService#swapQueues} applies it.
     */
    public Optional<QueueConfig> changedIfDue(long tick) {
        return tick % Math.max(1, pollSeconds) == 0 ? registry.readIfChanged() : Optional.empty();
    }

    /** Puts a version read by {@link #changedIfDue} in force. */
    void apply(QueueConfig newVersion) {
        registry.apply(newVersion);
    }

    /** True when a valid queue.yaml is in force. */
    public boolean loaded() {
        return registry.loaded();
    }

    /** The path of queue.yaml. */
    public String path() {
        return registry.path().toString();
    }

    /** The last reload's outcome: when the version in force was applied, and why a newer one was refused. */
    public ConfigStatus status() {
        return registry.status();
    }

    /** Why the newest version of queue.yaml was refused, if it was. */
    public Optional<String> lastError() {
        return registry.lastError();
    }
}
