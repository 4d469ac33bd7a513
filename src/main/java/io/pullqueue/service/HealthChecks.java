package io.pullqueue.service;

import io.pullqueue.core.StorageStatus;
import io.pullqueue.core.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health: ready when the database answers and a valid queue.yaml is in force; live while the
 * application runs (a failed database makes the server unready, not dead, so it is not restarted in a loop).
 */
@ApplicationScoped
public class HealthChecks {

    /** The store itself for its health: reachable, its kind, its room (QueueService owns the engine, not these). */
    @Inject
    TaskStore taskStore;

    @Inject
    ConfigWatcher config;

    @Inject
    QueueMetrics metrics;

    @Inject
    Authenticator authenticator;

    @Produces
    @Readiness
    HealthCheck store() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("store")
                    .status(taskStore.isReachable())
                    .withData("kind", taskStore.kind());
            // Table bloat, as of the last maintenance pass: dead row versions autovacuum has not reclaimed yet.
            // Full storage keeps the server ready on purpose: workers must go on leasing and deleting, which is
            // what frees room; adds are refused with STORAGE_FULL meanwhile.
            StorageStatus room = taskStore.storage();
            if (room != null) {
                b.withData("storage", room.full() ? "FULL" : "OK")
                        .withData("storage.usableBytes", room.usableBytes())
                        .withData("storage.minFreeBytes", room.minFreeBytes());
            }
            metrics.storeDiagnostics().tables().forEach((table, rows) -> {
                b.withData(table + ".live", rows.live());
                b.withData(table + ".dead", rows.dead());
            });
            return b.build();
        };
    }

    @Produces
    @Readiness
    HealthCheck queueConfig() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("queue-config")
                    .status(config.loaded())
                    .withData("path", config.path());
            config.lastError().ifPresent(e -> b.withData("lastError", e));
            return b.build();
        };
    }

    /** How callers are authenticated; {@code none} is shown here so that an open server is seen at a glance. */
    @Produces
    @Readiness
    HealthCheck authentication() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("authentication")
                    .up()
                    .withData("mode", authenticator.mode().name().toLowerCase(Locale.ROOT));
            if (authenticator.mode() == Authenticator.Mode.NONE) {
                b.withData("warning", "AUTHENTICATION IS OFF: every caller may do everything");
            }
            if (authenticator.keyCount() >= 0) {
                b.withData("apiKeys", authenticator.keyCount());
            }
            authenticator.keysError().ifPresent(e -> b.withData("apiKeysError", e));
            return b.build();
        };
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.named("pullqueue").up().build();
    }
}
