package io.pullqueue.core;

import java.util.List;
import java.util.Locale;

/**
 * Who may do what, on every door. {@code admin} may do everything; {@code producer} may add; {@code consumer}
 * may lease, modify a lease, delete, get and list. A queue's {@link Acl} narrows this as App Engine did: with
 * {@code user_email} entries only those identities (and admins) may consume, with {@code writer_email} entries
 * only those (and admins) may add. Whoever may add to or consume from a queue may see it and its statistics.
 */
public final class AccessRules {
    private AccessRules() {}

    /** True when {@code who} may do {@code op} on {@code queue}. */
    public static boolean allows(Identity who, Operation op, QueueSpec queue) {
        if (who.has(Role.ADMIN)) {
            return true;
        }
        if (op == Operation.VIEW) {
            return allows(who, Operation.ADD, queue) || allows(who, Operation.LEASE, queue);
        }
        if (op.role() != Role.PRODUCER && op.role() != Role.CONSUMER || !who.has(op.role())) {
            return false;
        }
        List<String> listed = op.role() == Role.PRODUCER
                ? queue.acl().writerEmails()
                : queue.acl().userEmails();
        return listed.isEmpty() || listed(listed, who.email());
    }

    /** Does nothing when {@code who} may do {@code op} on {@code queue}; else PERMISSION_DENIED saying why. */
    public static void check(Identity who, Operation op, QueueSpec queue) {
        if (allows(who, op, queue)) {
            return;
        }
        String why = op.role() != null && !who.has(op.role())
                ? "needs role " + op.role().name().toLowerCase(Locale.ROOT)
                : "not listed in the queue's acl";
        throw new QueueException(
                ErrorCode.PERMISSION_DENIED,
                who.email() + " may not "
                        + op.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on queue " + queue.name() + " ("
                        + why
                        + ")");
    }

    private static boolean listed(List<String> emails, String email) {
        for (String e : emails) {
            if (e.equalsIgnoreCase(email)) {
                return true;
            }
        }
        return false;
    }
}
