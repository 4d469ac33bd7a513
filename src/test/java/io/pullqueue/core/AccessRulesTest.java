package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
    private static final QueueSpec OPEN = QueueSpec.pull("open");
    private static final QueueSpec LISTED = new QueueSpec(
            "listed",
            QueueMode.PULL,
            null,
            new Acl(List.of("Worker@example.com"), List.of("writer@example.com")),
            10,
            null);
    private static final Set<Operation> CONSUME =
            EnumSet.of(Operation.LEASE, Operation.MODIFY_LEASE, Operation.DELETE, Operation.GET, Operation.LIST);
    private static final Set<Operation> ADMIN_ONLY =
            EnumSet.of(Operation.PURGE, Operation.PAUSE, Operation.RESUME, Operation.RUN_NOW);

    private static Identity who(String email, Role... roles) {
        return new Identity(email, roles.length == 0 ? Set.of() : EnumSet.of(roles[0], roles));
    }

    @Test
    void adminMayDoEverythingOnEveryQueue() {
        Identity admin = who("root@example.com", Role.ADMIN);
        for (Operation op : Operation.values()) {
            assertTrue(AccessRules.allows(admin, op, OPEN), op.name());
            assertTrue(AccessRules.allows(admin, op, LISTED), op.name());
        }
    }

    @Test
    void producerMayAddOnlyAndConsumerMayConsumeOnly() {
        Identity producer = who("p@example.com", Role.PRODUCER);
        Identity consumer = who("c@example.com", Role.CONSUMER);
        for (Operation op : Operation.values()) {
            assertEquals(
                    op == Operation.ADD || op == Operation.VIEW, AccessRules.allows(producer, op, OPEN), op.name());
            assertEquals(
                    CONSUME.contains(op) || op == Operation.VIEW, AccessRules.allows(consumer, op, OPEN), op.name());
        }
    }

    @Test
    void aQueuesAclNarrowsTheRolesToTheListedIdentities() {
        Identity listedWorker = who("worker@example.com", Role.CONSUMER, Role.PRODUCER);
        Identity listedWriter = who("writer@example.com", Role.CONSUMER, Role.PRODUCER);
        Identity other = who("other@example.com", Role.CONSUMER, Role.PRODUCER);
        for (Operation op : CONSUME) {
            assertTrue(AccessRules.allows(listedWorker, op, LISTED), "user_email match is case-insensitive");
            assertFalse(AccessRules.allows(listedWriter, op, LISTED));
            assertFalse(AccessRules.allows(other, op, LISTED));
        }
        assertFalse(AccessRules.allows(listedWorker, Operation.ADD, LISTED));
        assertTrue(AccessRules.allows(listedWriter, Operation.ADD, LISTED));
        assertFalse(AccessRules.allows(other, Operation.ADD, LISTED));
        assertFalse(AccessRules.allows(other, Operation.VIEW, LISTED), "a queue it may not use is not shown");
        assertTrue(AccessRules.allows(listedWriter, Operation.VIEW, LISTED));
    }

    @Test
    void anAclDoesNotGrantARoleTheCallerLacks() {
        Identity listedButProducerOnly = who("worker@example.com", Role.PRODUCER);
        assertFalse(AccessRules.allows(listedButProducerOnly, Operation.LEASE, LISTED));
        for (Operation op : ADMIN_ONLY) {
            assertFalse(AccessRules.allows(who("worker@example.com", Role.CONSUMER, Role.PRODUCER), op, LISTED));
        }
    }

    @Test
    void aRefusalIsPermissionDeniedAndSaysWhy() {
        QueueException e = assertThrows(
                QueueException.class,
                () -> AccessRules.check(who("c@example.com", Role.CONSUMER), Operation.PURGE, OPEN));
        assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
        assertEquals("c@example.com may not purge on queue open (needs role admin)", e.getMessage());
        QueueException acl = assertThrows(
                QueueException.class,
                () -> AccessRules.check(who("c@example.com", Role.CONSUMER), Operation.LEASE, LISTED));
        assertEquals("c@example.com may not lease on queue listed (not listed in the queue's acl)", acl.getMessage());
    }
}
