package io.pullqueue.store;

/**
 * What the shared statements of {@link TaskStatements} and {@link OperatorStatements} need to know of one
 * database; each store declares its own in its SQL class.
 *
 * @param kind the store's {@link io.pullqueue.core.TaskStore#kind()}
 * @param product the database's name as log lines give it
 * @param lengthFunction the function giving a blob's length without reading it ({@code length},
 *     {@code octet_length})
 * @param tagExpression the expression the tag index is built on ({@code tag}, {@code coalesce(tag, '')})
 * @param taggedTable the task table as a search with a tag names it
 * @param queueCounts tasks, oldest ETA (null when empty), leased and due counts of a queue, read in one snapshot
 *     (parameters: now, now, queue)
 * @param skipLocked what a statement that picks rows to change appends so as to pass over rows that another
 *     transaction holds ({@code ""} where one writer at a time holds them all)
 */
public record SqlDialect(
        String kind,
        String product,
        String lengthFunction,
        String tagExpression,
        String taggedTable,
        String queueCounts,
        String skipLocked) {}
