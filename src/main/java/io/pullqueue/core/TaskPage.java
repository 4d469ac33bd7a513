package io.pullqueue.core;

import java.util.List;

/** One page of a task listing, in name order; {@code nextCursor} is {@code null} on the last page. */
public record TaskPage(List<Task> tasks, String nextCursor) {

    /**
     * The page of a listing that read up to {@code limit + 1} tasks: the first {@code limit}, and a cursor (the
     * last name on the page) only when a further task showed that there is more.
     */
    public static TaskPage of(List<Task> readOneMore, int limit) {
        if (readOneMore.size() <= limit) {
            return new TaskPage(List.copyOf(readOneMore), null);
        }
        List<Task> page = readOneMore.subList(0, limit);
        return new TaskPage(List.copyOf(page), page.get(limit - 1).name());
    }
}
