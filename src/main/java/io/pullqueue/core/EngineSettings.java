package io.pullqueue.core;

import java.time.Duration;

/**
 * Tunables of the engine.
 *
 * @param tombstoneTtl how long a deleted task's name stays reserved (App Engine: about 9 days)
 */
public record EngineSettings(Duration tombstoneTtl) {}
