package io.pullqueue.worker;

import java.time.Duration;

/**
 * What to lease: up to {@code maxTasks} (1-1000) due tasks for {@code lease}; only those with {@code tag}, or with
 * {@code groupByTag} those sharing the oldest due task's tag; waiting up to {@code pollWait} (at most 20 s) when
 * none is due.
 */
public record LeaseOptions(int maxTasks, Duration lease, String tag, boolean groupByTag, Duration pollWait) {

    public LeaseOptions {
        if (maxTasks < 1 || maxTasks > 1000) {
            throw new IllegalArgumentException("maxTasks must be between 1 and 1000, got " + maxTasks);
        }
        if (lease.isNegative()) {
            throw new IllegalArgumentException("lease must not be negative, got " + lease);
        }
        if (pollWait.isNegative() || pollWait.compareTo(Duration.ofSeconds(20)) > 0) {
            throw new IllegalArgumentException("pollWait must be between 0 and 20 s, got " + pollWait);
        }
        if (tag != null && groupByTag) {
            throw new IllegalArgumentException("give a tag or groupByTag, not both");
        }
    }

    public static LeaseOptions of(int maxTasks, Duration lease) {
        return new LeaseOptions(maxTasks, lease, null, false, Duration.ZERO);
    }

    public LeaseOptions withTag(String tag) {
        return new LeaseOptions(maxTasks, lease, tag, false, pollWait);
    }

    public LeaseOptions groupedByTag() {
        return new LeaseOptions(maxTasks, lease, null, true, pollWait);
    }

    /** Long poll: wait up to {@code pollWait} for a task when none is due. */
    public LeaseOptions withWait(Duration pollWait) {
        return new LeaseOptions(maxTasks, lease, tag, groupByTag, pollWait);
    }
}
