package io.pullqueue.core;

import java.time.Duration;

/**
 * Tunables of the engine.
 *
 * @param tombstoneTtl how long a deleted task's name stays reserved (App Engine: about 9 days)
 * @param maintenanceInterval how often the maintenance pass runs ({@link PullQueueEngine#maintain}): a queue whose
 *     retry-limit sweep takes longer than a twentieth of it is swept less often ({@link CostSpacing})
 */
public record EngineSettings(Duration tombstoneTtl, Duration maintenanceInterval) {

    /** With the default maintenance interval, 5 s. */
    public EngineSettings(Duration tombstoneTtl) {
        this(tombstoneTtl, Duration.ofSeconds(5));
    }
}
