package io.pullqueue.core;

import java.util.Locale;

/** What a caller may do in general; a queue's {@link Acl} may narrow it. */
public enum Role {
    /** Everything: every queue, purge, pause, resume, whatever a queue's ACL says. */
    ADMIN,
    /** Add tasks. */
    PRODUCER,
    /** Lease, modify a lease, delete, get and list tasks. */
    CONSUMER;

    /** The role named {@code name} (case-insensitive), or {@code null}. */
    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
                return r;
            }
        }
        return null;
    }
}
