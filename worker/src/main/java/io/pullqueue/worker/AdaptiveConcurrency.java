package io.pullqueue.worker;

/**
 * How many handlers may run at once, between a minimum and a maximum: grows with the queue's due backlog (at most
 * doubling per observation, so a burst does not start a flood of handlers at once) and when a lease call comes back
 * full; halves, down to the minimum, when a lease call comes back empty. Not thread-safe: the lease loop owns it.
 */
final class AdaptiveConcurrency {

    private final int min;
    private final int max;
    private int limit;

    AdaptiveConcurrency(int min, int max, int initial) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException("concurrency needs 1 <= min <= initial <= max, got " + min + ", "
                    + initial + ", " + max);
        }
        this.min = min;
        this.max = max;
        this.limit = initial;
    }

    int limit() {
        return limit;
    }

    /** {@code due} tasks were waiting while {@code busy} handlers ran. */
    void onBacklog(long due, int busy) {
        if (due > 0) {
            long wanted = Math.min((long) busy + due, 2L * limit);
            limit = (int) Math.max(limit, Math.min(max, wanted));
        }
    }

    /** A lease call asked for {@code requested} tasks and got {@code got}. */
    void onLease(int requested, int got) {
        if (got == 0) {
            limit = Math.max(min, limit / 2);
        } else if (got >= requested) {
            limit = Math.min(max, limit + 1);
        }
    }
}
