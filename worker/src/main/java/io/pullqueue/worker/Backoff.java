package io.pullqueue.worker;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th wait (n from 1) is a random duration between half and all of
 * {@code min(max, initial * multiplier^(n-1))}, so that many clients that failed together do not come back together.
 * Used for the client's retries and for the delay before a failed task may be leased again.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final DoubleSupplier random;

    public Backoff(Duration initial, Duration max, double multiplier) {
        this(initial, max, multiplier, Math::random);
    }

    /** With the source of randomness given: {@code random} returns values in [0, 1). */
    public Backoff(Duration initial, Duration max, double multiplier, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || multiplier < 1) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and multiplier >= 1, got "
                    + initial + ", " + max + ", " + multiplier);
        }
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.random = random;
    }

    /** The wait before attempt {@code n + 1} after {@code n} failures (n >= 1). */
    public Duration delay(int failures) {
        double ceiling = initial.toNanos() * Math.pow(multiplier, Math.max(0, failures - 1));
        double capped = Math.min(max.toNanos(), ceiling);
        return Duration.ofNanos(Math.round(capped / 2 + random.getAsDouble() * capped / 2));
    }

    public Duration max() {
        return max;
    }
}
