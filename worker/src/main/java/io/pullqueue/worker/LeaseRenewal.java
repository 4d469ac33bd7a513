package io.pullqueue.worker;

import java.time.Instant;

/** A task's lease after a modify-lease call: the new expiry and the new token that proves it. */
public record LeaseRenewal(String name, Instant leaseExpiry, String leaseToken) {
}
