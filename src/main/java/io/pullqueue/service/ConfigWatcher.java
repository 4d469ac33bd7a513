package io.pullqueue.service;

import jakarta.enterprise.context.ApplicationScoped;

/** Re-reads queue.yaml when it changed, at most every {@code pullqueue.config.poll.seconds}. */
@ApplicationScoped
public class ConfigWatcher {

    /** Called by the maintenance timer once a second. */
    public void reloadIfDue(long tick) {
        // wired to the queue.yaml registry once the config package lands
    }
}
