package io.pullqueue.service;

import io.pullqueue.core.AccessRules;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Identity;
import io.pullqueue.core.Operation;
import io.pullqueue.core.PullQueueEngine;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.Role;
import java.util.Collection;

/**
 * What the {@link Caller} of a {@link QueueService} call may do, checked by {@link AccessRules} before anything is
 * read or changed, whichever door the call came through. An admin's calls skip the queue lookup, so that they meet
 * the queue's own errors (unknown queue, bad name) exactly where they always did.
 */
final class CallerAccess {
    private final PullQueueEngine engine;

    CallerAccess(PullQueueEngine engine) {
        this.engine = engine;
    }

    /** The caller, once it may do {@code op} on {@code queue}. */
    Identity allow(Operation op, String queue) {
        Identity who = Caller.current();
        if (!who.has(Role.ADMIN)) {
            AccessRules.check(who, op, engine.requireQueue(queue));
        }
        return who;
    }

    /**
     * For App Engine's BulkAdd: the caller may add to {@code queue} when it is declared; an undeclared or malformed
     * queue is left to the engine, which reports it as each task's error.
     */
    void allowBulkAdd(String queue) {
        Identity who = Caller.current();
        if (!who.has(Role.ADMIN)) {
            QueueSpec declared;
            try {
                declared = engine.requireQueue(queue);
            } catch (QueueException undeclaredOrMalformed) {
                return;
            }
            AccessRules.check(who, Operation.ADD, declared);
        }
    }

    /** The queues of {@code all} the caller may see. */
    Collection<QueueSpec> visible(Collection<QueueSpec> all) {
        Identity who = Caller.current();
        if (who.has(Role.ADMIN)) {
            return all;
        }
        return all.stream()
                .filter(q -> AccessRules.allows(who, Operation.VIEW, q))
                .toList();
    }

    /** Refuses a caller without the admin role what only an admin may do ({@code what}). */
    static void requireAdmin(String what) {
        Identity who = Caller.current();
        if (!who.has(Role.ADMIN)) {
            throw new QueueException(
                    ErrorCode.PERMISSION_DENIED, who.email() + " may not " + what + " (needs role admin)");
        }
    }
}
