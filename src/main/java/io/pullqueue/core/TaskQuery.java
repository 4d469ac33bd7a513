package io.pullqueue.core;

/**
 * A filtered, ordered page of a queue's tasks (the console's task list and the native API's listing).
 *
 * @param queue the queue
 * @param state which tasks: every one, due, leased or not yet due (at {@code nowUsec})
 * @param tag only tasks with this tag, or {@code null} for any tag
 * @param order name order, or ETA order (oldest first or newest first)
 * @param after where the previous page ended, or {@code null} for the first page
 * @param limit the most tasks on the page
 * @param nowUsec the time the states are judged at
 */
public record TaskQuery(String queue, State state, Tag tag, Order order, Cursor after, int limit, long nowUsec) {

    /** A task's state at a moment (see {@link Task#isLeased}). */
    public enum State {
        /** Every task. */
        ANY,
        /** ETA at or before now: a lease call could take it. */
        DUE,
        /** Held under a lease that has not run out: ETA after now, leased at least once. */
        LEASED,
        /** Added with a later ETA and never leased: ETA after now, retry count 0. */
        WAITING
    }

    /**
     * The order of the page. ETA order is a task's age in the queue: a due task's ETA is when it became due (for
     * a task added without a countdown, when it was added), so the oldest ETA first is the task waiting longest.
     */
    public enum Order {
        NAME,
        ETA,
        ETA_DESC
    }

    /** The last task of the previous page: its name, and its ETA for the ETA orders. */
    public record Cursor(long etaUsec, String name) {}
}
