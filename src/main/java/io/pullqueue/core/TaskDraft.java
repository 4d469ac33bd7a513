package io.pullqueue.core;

/**
 * A task as a producer asks for it, before validation. Any field may be absent.
 *
 * @param name the requested name, or {@code null} to let the server pick one
 * @param payload the payload bytes (required; may be empty)
 * @param tag the tag, or {@code null} for none
 * @param etaUsec an absolute ETA in µs since the epoch, or {@code null}
 * @param countdownSeconds a delay from now in seconds, or {@code null}; not together with etaUsec
 * @param retryLimit a per-task retry limit, or {@code null}
 */
public record TaskDraft(
        String name, byte[] payload, Tag tag, Long etaUsec, Double countdownSeconds, Integer retryLimit) {}
