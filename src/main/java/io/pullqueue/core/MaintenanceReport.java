package io.pullqueue.core;

/**
 * What one maintenance pass did: tasks removed past their retry limit, expired tombstones removed, and tables whose
 * space the store reclaimed (see {@link TaskStore#reclaimSpace()}).
 */
public record MaintenanceReport(int exhaustedTasksRemoved, int tombstonesRemoved, int tablesReclaimed) {

    public MaintenanceReport(int exhaustedTasksRemoved, int tombstonesRemoved) {
        this(exhaustedTasksRemoved, tombstonesRemoved, 0);
    }
}
