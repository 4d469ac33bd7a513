package io.pullqueue.core;

/** What one maintenance pass removed. */
public record MaintenanceReport(int exhaustedTasksRemoved, int tombstonesRemoved) {
}
