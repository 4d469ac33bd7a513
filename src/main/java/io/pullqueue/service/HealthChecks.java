package io.pullqueue.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
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

    @Inject
    QueueService service;
    @Inject
    ConfigWatcher config;
    @Inject
    QueueMetrics metrics;

    @Produces
    @Readiness
    HealthCheck store() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("store").status(service.storeReachable())
                    .withData("kind", service.storeKind());
            // Table bloat, as of the last maintenance pass: dead row versions autovacuum has not reclaimed yet.
            metrics.storeDiagnostics().forEach((k, v) -> {
                if (!k.startsWith("notifications")) {
                    b.withData(k, v);
                }
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

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.named("pullqueue").up().build();
    }
}
