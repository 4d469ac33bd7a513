package io.pullqueue.core;

import java.util.List;

/** One page of a task listing, in name order; {@code nextCursor} is {@code null} on the last page. */
public record TaskPage(List<Task> tasks, String nextCursor) {
}
