package io.pullqueue.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A task under a lease: hold it until {@link #leaseExpiry()}, prove the lease with {@link #leaseToken()}.
 *
 * @param retryCount how many times the task has been leased, this lease included
 */
public record LeasedTask(String queue, String name, byte[] payload, String tag, Instant leaseExpiry,
                         String leaseToken, int retryCount, Instant created) {

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The same task after its lease was changed. */
    LeasedTask renewed(LeaseRenewal renewal) {
        return new LeasedTask(queue, name, payload, tag, renewal.leaseExpiry(), renewal.leaseToken(), retryCount,
                created);
    }
}
