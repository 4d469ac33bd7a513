package io.pullqueue.core;

/** What a caller asks to do with a queue; {@link AccessRules} says who may. */
public enum Operation {
    ADD(Role.PRODUCER),
    LEASE(Role.CONSUMER),
    MODIFY_LEASE(Role.CONSUMER),
    DELETE(Role.CONSUMER),
    GET(Role.CONSUMER),
    LIST(Role.CONSUMER),
    /** Read a queue's declaration and statistics: whoever may add to it or consume from it. */
    VIEW(null),
    PURGE(Role.ADMIN),
    PAUSE(Role.ADMIN),
    RESUME(Role.ADMIN),
    /** The operator's override: make tasks due now (give their leases back, run delayed tasks at once). */
    RUN_NOW(Role.ADMIN);

    private final Role role;

    Operation(Role role) {
        this.role = role;
    }

    /** The role this operation needs, or {@code null} for {@link #VIEW}. */
    public Role role() {
        return role;
    }
}
