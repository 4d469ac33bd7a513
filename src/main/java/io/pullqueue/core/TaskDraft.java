package io.pullqueue.core;

/**
 * A task as a producer asks for it, before validation. Any field may be absent.
 *
 * @param name the requested name, or {@code null} to let the server pick one
 * @param payload the payload bytes (required; may be empty)
 * @param tag the tag, or {@code null}/empty for none
 * @param etaUsec an absolute ETA in µs since the epoch, or {@code null}
 * @param countdownSeconds a delay from now in seconds, or {@code null}; not together with etaUsec
 * @param retryLimit a per-task retry limit, or {@code null}
 */
public record TaskDraft(String name, byte[] payload, String tag, Long etaUsec, Double countdownSeconds,
                        Integer retryLimit) {

    public static TaskDraft of(byte[] payload) {
        return new TaskDraft(null, payload, null, null, null, null);
    }

    public TaskDraft named(String n) {
        return new TaskDraft(n, payload, tag, etaUsec, countdownSeconds, retryLimit);
    }

    public TaskDraft tagged(String t) {
        return new TaskDraft(name, payload, t, etaUsec, countdownSeconds, retryLimit);
    }

    public TaskDraft at(long eta) {
        return new TaskDraft(name, payload, tag, eta, countdownSeconds, retryLimit);
    }

    public TaskDraft after(double seconds) {
        return new TaskDraft(name, payload, tag, etaUsec, seconds, retryLimit);
    }

    public TaskDraft withRetryLimit(Integer limit) {
        return new TaskDraft(name, payload, tag, etaUsec, countdownSeconds, limit);
    }
}
