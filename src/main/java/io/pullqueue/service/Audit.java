package io.pullqueue.service;

import io.pullqueue.core.Identity;
import java.time.Instant;
import java.util.logging.Logger;

/** One log line per admin action (purge, pause, resume, a reloaded queue.yaml or key file): who, when, what. */
final class Audit {
    private static final Logger LOG = Logger.getLogger("io.pullqueue.audit");
    /** The identity recorded for changes made by editing files on the server. */
    static final String FILE = "file-system";

    private Audit() {}

    static void log(Identity who, String action) {
        log(who.email(), action);
    }

    static void log(String who, String action) {
        LOG.info(() -> "AUDIT " + Instant.now() + " by=" + who + " " + action);
    }
}
