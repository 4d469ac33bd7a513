package io.pullqueue.core;

import java.time.Instant;

/**
 * The outcome of the last reload of queue.yaml.
 *
 * @param loaded a valid version is in force
 * @param appliedAt when the version in force was applied ({@code null} before the first)
 * @param error why the newest version of the file was refused, or {@code null} when it is the one in force
 * @param refusedAt when it was refused ({@code null} when it was not)
 */
public record ConfigStatus(boolean loaded, Instant appliedAt, String error, Instant refusedAt) {}
