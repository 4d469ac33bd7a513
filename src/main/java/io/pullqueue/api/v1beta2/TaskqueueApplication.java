package io.pullqueue.api.v1beta2;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * Google's Task Queue REST API v1beta2 at {@code /taskqueue}. It lists its classes explicitly, so it has its own
 * request filter and error envelope and no resource of another door appears under {@code /taskqueue}.
 */
@ApplicationPath("/taskqueue")
public class TaskqueueApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(TaskqueueResource.class, WireFilter.class, GoogleErrors.Any.class, GoogleErrors.Web.class);
    }
}
