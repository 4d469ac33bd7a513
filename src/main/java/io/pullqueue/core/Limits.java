package io.pullqueue.core;

/** App Engine's documented pull-queue limits (docs/semantics.md, Limits), in one place. */
public final class Limits {
    private Limits() {}

    public static final int MAX_TASKS_PER_ADD = 100;
    public static final int MAX_TASKS_PER_LEASE = 1000;
    public static final int MAX_NAMES_PER_DELETE = 1000;
    public static final long MAX_LEASE_SECONDS = 604_800L;
    /** A pull task, measured as App Engine measured it ({@link TaskSize}), may be at most 1 MiB. */
    public static final int MAX_TASK_BYTES = 1_048_576;

    public static final int MAX_TAG_BYTES = 500;
    public static final int MAX_TASK_NAME_LENGTH = 500;
    public static final int MAX_QUEUE_NAME_LENGTH = 100;
    public static final long MAX_ETA_AHEAD_USEC = 30L * 24 * 3600 * 1_000_000L;
    public static final int DEFAULT_LEASE_REQUESTS_PER_SECOND = 10;
    public static final int MAX_LIST_PAGE_SIZE = 1000;
    public static final int DEFAULT_LIST_PAGE_SIZE = 100;
    public static final long USEC_PER_SECOND = 1_000_000L;
}
