package io.pullqueue.core;

/**
 * Room for new tasks as a store measured it.
 *
 * @param full true while adds are refused with {@link ErrorCode#STORAGE_FULL}
 * @param usableBytes bytes new tasks may still take: free space of the filesystem plus the store's own free pages
 * @param minFreeBytes the floor below which adds are refused
 */
public record StorageStatus(boolean full, long usableBytes, long minFreeBytes) {}
