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
 * limit and expired tombstones in bounded batches, refreshes the metrics snapshot, and writes each queue's sample of
 * its history (from that snapshot) every {@code pullqueue.history.sample.seconds}.
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

    @Inject
    @ConfigProperty(name = "pullqueue.history.sample.seconds")
    int sampleSeconds;

    /** This server's name in the queue samples: each server writes its own rows, and the history sums them. */
    private final String server = java.util.UUID.randomUUID().toString().substring(0, 8);

    private long ticks;

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false, info = "pullqueue maintenance")
    @Lock(LockType.WRITE)
    void tick() {
        ticks++;
        try {
            config.changedIfDue(ticks).ifPresent(service::swapQueues);
            authenticator.reloadIfDue(ticks);
            service.flushLeaseFigures();
            boolean maintenanceDue = ticks % Math.max(1, maintenanceSeconds) == 0;
            boolean sampleDue = ticks % Math.max(1, sampleSeconds) == 0;
            if (maintenanceDue) {
                maintain();
            }
            if (maintenanceDue || sampleDue) {
                metrics.refresh(); // a sample takes the counts read now (by default every other maintenance pass)
            }
            if (sampleDue) {
                service.sample(server, metrics.latestCounts());
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
