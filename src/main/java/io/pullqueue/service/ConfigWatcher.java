package io.pullqueue.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Re-reads queue.yaml when it changed, at most every {@code pullqueue.config.poll.seconds}. */
@ApplicationScoped
public class ConfigWatcher {

    /** Called by the maintenance timer once a second. */
    public void reloadIfDue(long tick) {
        // wired to the queue.yaml registry once the config package lands
    }

    /** True when a valid queue.yaml is in force. */
    public boolean loaded() {
        return true;
    }

    /** The path of queue.yaml. */
    public String path() {
        return "";
    }

    /** Why the last (re)load was refused, if it was. */
    public Optional<String> lastError() {
        return Optional.empty();
    }
}
