package io.pullqueue.core;

import java.util.Collection;
import java.util.Optional;

/** The queues currently declared (by queue.yaml). Implementations may change over time (reload). */
public interface QueueRegistry {
    Optional<QueueSpec> find(String name);

    Collection<QueueSpec> all();
}
