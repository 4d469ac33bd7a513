package io.pullqueue.api.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The native API at {@code /api}. It lists its classes explicitly, so the other doors' resources (which have
 * Applications of their own) never appear under {@code /api}.
 */
@ApplicationPath("/api")
public class NativeApiApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                QueueResource.class,
                BacklogResource.class,
                ConfigResource.class,
                PingResource.class,
                BodyLimitFilter.class,
                LeaseRouting.class,
                ExceptionMappers.Any.class,
                ExceptionMappers.Web.class);
    }
}
