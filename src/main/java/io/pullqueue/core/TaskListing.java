package io.pullqueue.core;

import java.util.List;

/** One page of a {@link TaskQuery}; {@code next} is where the next page starts, {@code null} on the last page. */
public record TaskListing(List<Task> tasks, TaskQuery.Cursor next) {

    /** The page of a query that read up to {@code limit + 1} tasks: a cursor only when a further task showed more. */
    public static TaskListing of(List<Task> readOneMore, int limit) {
        if (readOneMore.size() <= limit) {
            return new TaskListing(List.copyOf(readOneMore), null);
        }
        Task last = readOneMore.get(limit - 1);
        return new TaskListing(
                List.copyOf(readOneMore.subList(0, limit)), new TaskQuery.Cursor(last.etaUsec(), last.name()));
    }
}
