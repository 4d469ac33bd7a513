package io.pullqueue.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * MicroProfile Fault Tolerance around leasing: App Engine's 10 s lease deadline ({@code @Timeout}) and a bound on
 * concurrent lease calls ({@code @Bulkhead}), for {@link QueueService#lease} and {@link QueueService#modifyLease}.
 * Their rejections surface as TRANSIENT_ERROR through {@link Failures#translate(Throwable)}. Tune them with
 * MicroProfile Config, e.g. {@code io.pullqueue.service.LeaseGuard/lease/Bulkhead/value=128}.
 *
 * <p>Why a CDI bean of its own and not annotations on the {@code QueueService} EJB: on Open Liberty 26.0.0.3 a
 * Fault Tolerance interceptor on an EJB method is created on every call, with a creational context that is never
 * released. A 64-client soak showed it: about 300 interceptors a second stayed on the heap, which would have
 * filled the default 512 MiB heap in well under an hour of steady load. On an application-scoped bean the
 * interceptor is made once.
 */
@ApplicationScoped
public class LeaseGuard {

    /** Runs a lease call under the lease deadline and bulkhead. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(64)
    public <T> T lease(Supplier<T> call) {
        return call.get();
    }

    /** Runs a lease change under its own deadline and bulkhead (the same figures). */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(64)
    public <T> T modifyLease(Supplier<T> call) {
        return call.get();
    }
}
