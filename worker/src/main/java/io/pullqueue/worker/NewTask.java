package io.pullqueue.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A task to add. Give tasks names when a retried add must not create a second task: a name is refused while it
 * lives and for 9 days after its task was deleted.
 */
public final class NewTask {

    private final byte[] payload;
    private final String name;
    private final String tag;
    private final Instant eta;
    private final Duration delay;
    private final Integer retryLimit;

    private NewTask(byte[] payload, String name, String tag, Instant eta, Duration delay, Integer retryLimit) {
        this.payload = Objects.requireNonNull(payload, "payload");
        this.name = name;
        this.tag = tag;
        this.eta = eta;
        this.delay = delay;
        this.retryLimit = retryLimit;
    }

    public static NewTask of(byte[] payload) {
        return new NewTask(payload.clone(), null, null, null, null, null);
    }

    /** A task whose payload is the UTF-8 bytes of {@code text}. */
    public static NewTask of(String text) {
        return new NewTask(text.getBytes(StandardCharsets.UTF_8), null, null, null, null, null);
    }

    public NewTask withName(String name) {
        return new NewTask(payload, name, tag, eta, delay, retryLimit);
    }

    public NewTask withTag(String tag) {
        return new NewTask(payload, name, tag, eta, delay, retryLimit);
    }

    /** Leasable from {@code eta} on (replaces a delay). */
    public NewTask withEta(Instant eta) {
        return new NewTask(payload, name, tag, eta, null, retryLimit);
    }

    /** Leasable {@code delay} after the server added it (replaces an ETA). */
    public NewTask withDelay(Duration delay) {
        return new NewTask(payload, name, tag, null, delay, retryLimit);
    }

    public NewTask withRetryLimit(int retryLimit) {
        return new NewTask(payload, name, tag, eta, delay, retryLimit);
    }

    byte[] payload() {
        return payload;
    }

    public String name() {
        return name;
    }

    String tag() {
        return tag;
    }

    Instant eta() {
        return eta;
    }

    Duration delay() {
        return delay;
    }

    Integer retryLimit() {
        return retryLimit;
    }
}
