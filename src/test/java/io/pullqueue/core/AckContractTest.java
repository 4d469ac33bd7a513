package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The acknowledgement contract when a commit's outcome is unknown (docs/operations.md): the error is
 * COMMIT_UNCERTAIN and names every task of the add, server-chosen names included, so that a retry with those names
 * cannot duplicate, whether the commit happened or not. The store is the real SQLite store; only the outcome of
 * its commit is hidden, as a lost connection would hide it.
 */
class AckContractTest extends EngineFixture {
    /** What the next write does: commit and then report an unknown outcome, or fail before committing. */
    private enum Fault {
        NONE,
        COMMITTED_BUT_UNKNOWN,
        NOT_COMMITTED_BUT_UNKNOWN
    }

    private Fault fault = Fault.NONE;

    @BeforeEach
    void hideCommitOutcomes() {
        TaskStore real = store;
        TaskStore faulty = (TaskStore) Proxy.newProxyInstance(
                TaskStore.class.getClassLoader(), new Class<?>[] {TaskStore.class}, (proxy, method, args) -> {
                    boolean write = method.getName().equals("taskAddMany")
                            || method.getName().equals("taskDeleteMany")
                            || method.getName().equals("taskModifyLease")
                            || method.getName().equals("taskLease");
                    Fault f = write ? fault : Fault.NONE;
                    fault = write ? Fault.NONE : fault;
                    if (f == Fault.NOT_COMMITTED_BUT_UNKNOWN) {
                        throw new CommitUncertainException("connection lost during the commit", null);
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (f == Fault.COMMITTED_BUT_UNKNOWN) {
                        throw new CommitUncertainException("connection lost after the commit", null);
                    }
                    return result;
                });
        engine = new PullQueueEngine(
                faulty,
                new QueueRegistry() {
                    @Override
                    public java.util.Optional<QueueSpec> find(String name) {
                        return java.util.Optional.ofNullable(queues.get(name));
                    }

                    @Override
                    public java.util.Collection<QueueSpec> all() {
                        return queues.values();
                    }
                },
                clock,
                new EngineSettings(java.time.Duration.ofDays(9)));
    }

    private static List<TaskDraft> unnamed(int n) {
        List<TaskDraft> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(draft("t" + i).task());
        }
        return l;
    }

    private static List<TaskDraft> retryWith(List<TaskDraft> drafts, List<String> names) {
        List<TaskDraft> l = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            l.add(new Draft(drafts.get(i)).named(names.get(i)).task());
        }
        return l;
    }

    private List<String> uncertainAdd(List<TaskDraft> drafts, Fault f) {
        fault = f;
        QueueException e = assertThrows(QueueException.class, () -> engine.add(Q, drafts));
        assertEquals(ErrorCode.COMMIT_UNCERTAIN, e.code());
        assertEquals(drafts.size(), e.taskNames().size(), "every task is named in the error");
        e.taskNames().forEach(n -> assertEquals(true, e.getMessage().contains(n), "the message names " + n));
        return e.taskNames();
    }

    @Test
    void aRetryWithTheReportedNamesDoesNotDuplicateACommittedAdd() {
        List<TaskDraft> drafts = unnamed(5);
        List<String> names = uncertainAdd(drafts, Fault.COMMITTED_BUT_UNKNOWN);
        List<AddResult> retry = engine.add(Q, retryWith(drafts, names));
        assertEquals(
                Collections.nCopies(5, ErrorCode.TASK_ALREADY_EXISTS),
                retry.stream().map(AddResult::code).toList());
        assertEquals(5, store.queueCounts(Q, now()).tasks(), "five tasks, not ten");
    }

    @Test
    void aRetryWithTheReportedNamesAddsWhatWasNotCommitted() {
        List<TaskDraft> drafts = unnamed(5);
        List<String> names = uncertainAdd(drafts, Fault.NOT_COMMITTED_BUT_UNKNOWN);
        assertEquals(0, store.queueCounts(Q, now()).tasks());
        List<AddResult> retry = engine.add(Q, retryWith(drafts, names));
        assertEquals(
                Collections.nCopies(5, ErrorCode.OK),
                retry.stream().map(AddResult::code).toList());
        assertEquals(names, retry.stream().map(AddResult::name).toList());
    }

    @Test
    void aRetriedDeleteOfACommittedDeleteAnswersTombstoned() {
        String name = add(Q, draft("x"));
        fault = Fault.COMMITTED_BUT_UNKNOWN;
        QueueException e = assertThrows(QueueException.class, () -> engine.delete(Q, List.of(name)));
        assertEquals(ErrorCode.COMMIT_UNCERTAIN, e.code());
        assertEquals(List.of(name), e.taskNames());
        assertEquals(List.of(ErrorCode.TOMBSTONED_TASK), engine.delete(Q, List.of(name)));
    }

    @Test
    void anUncertainLeaseChangeNamesBothTokens() {
        add(Q, draft("x"));
        Task t = engine.lease(Q, 1, 60, TagFilter.ANY).get(0);
        fault = Fault.COMMITTED_BUT_UNKNOWN;
        QueueException e = assertThrows(QueueException.class, () -> engine.modifyLease(Q, t.name(), t.etaUsec(), 120));
        assertEquals(ErrorCode.COMMIT_UNCERTAIN, e.code());
        long newToken = now() + 120_000_000L;
        assertEquals(true, e.getMessage().contains(String.valueOf(newToken)), e.getMessage());
        assertEquals(
                ErrorCode.TASK_LEASE_EXPIRED,
                assertThrows(QueueException.class, () -> engine.modifyLease(Q, t.name(), t.etaUsec(), 120))
                        .code(),
                "the old token is gone: it committed");
        engine.modifyLease(Q, t.name(), newToken, 120);
    }
}
