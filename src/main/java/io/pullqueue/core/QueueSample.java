package io.pullqueue.core;

/**
 * A queue's figures at one moment of its history: the backlog the store counted, and what happened since the
 * previous sample (tasks added, leased and deleted through this or, summed, every server).
 *
 * @param atUsec the sample's time (the start of its period), µs since the epoch
 * @param tasks every stored task
 * @param due tasks a lease could take
 * @param inFlight tasks under a lease that has not run out
 * @param oldestDueAgeUsec how long the oldest due task has been due (0 when none is due)
 * @param added tasks added during the period
 * @param leased tasks handed out by lease calls during the period
 * @param deleted tasks deleted by name during the period (purges and retry-limit removals not counted)
 */
public record QueueSample(
        long atUsec,
        long tasks,
        long due,
        long inFlight,
        long oldestDueAgeUsec,
        long added,
        long leased,
        long deleted) {

    /** This sample merged with a later one of the same step: backlog figures of the later, activity summed. */
    QueueSample then(QueueSample later) {
        return new QueueSample(
                atUsec,
                later.tasks,
                later.due,
                later.inFlight,
                later.oldestDueAgeUsec,
                added + later.added,
                leased + later.leased,
                deleted + later.deleted);
    }
}
