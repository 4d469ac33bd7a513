package io.pullqueue.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** Producers of the platform objects the service layer injects. */
@ApplicationScoped
public class Platform {

    /** The wall clock, UTC. Tests of the core pass their own clock instead. */
    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
