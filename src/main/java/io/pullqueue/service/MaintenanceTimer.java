package io.pullqueue.service;

import io.pullqueue.core.MaintenanceReport;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The non-persistent bookkeeping timer. It never decides correctness (an expired lease is leasable the moment it
 * runs out, whatever the timer does); it re-reads queue.yaml when it changes, removes due tasks past their retry
 * limit and expired tombstones in bounded batches, and refreshes the metrics snapshot.
 *
 * <p>{@code @Lock(WRITE)}: ticks never overlap; a slow pass makes the next tick wait instead of running twice.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@TransactionManagement(TransactionManagementType.BEAN)
public class MaintenanceTimer {
    private static final Logger LOG = Logger.getLogger(MaintenanceTimer.class.getName());

    @Inject
    QueueService service;
    @Inject
    QueueMetrics metrics;
    @Inject
    ConfigWatcher config;
    @Inject
    Authenticator authenticator;
    @Inject
    @ConfigProperty(name = "pullqueue.maintenance.seconds")
    int maintenanceSeconds;
    @Inject
    @ConfigProperty(name = "pullqueue.maintenance.batch")
    int batch;

    private long ticks;

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false, info = "pullqueue maintenance")
    @Lock(LockType.WRITE)
    void tick() {
        ticks++;
        try {
            config.changedIfDue(ticks).ifPresent(service::swapQueues);
            authenticator.reloadIfDue(ticks);
            if (ticks % Math.max(1, maintenanceSeconds) == 0) {
                maintain();
                metrics.refresh();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "maintenance pass failed; will retry next tick: " + e, e);
        }
    }

    private void maintain() {
        MaintenanceReport r = service.maintain(batch);
        if (r.exhaustedTasksRemoved() > 0 || r.tombstonesRemoved() > 0 || r.tablesReclaimed() > 0) {
            LOG.info(() -> "maintenance: removed " + r.exhaustedTasksRemoved() + " tasks past their retry limit, "
                    + r.tombstonesRemoved() + " expired tombstones"
                    + (r.tablesReclaimed() > 0 ? "; vacuumed " + r.tablesReclaimed() + " tables" : ""));
        }
    }
}
