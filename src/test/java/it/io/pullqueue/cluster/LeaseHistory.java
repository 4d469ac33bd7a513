package it.io.pullqueue.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the workers of a cluster run saw, and the checks on it. Times are the servers' (µs): a lease granted with
 * token (ETA) {@code e} for {@code L} µs was valid over [e − L, e), since the server sets ETA = now + lease time.
 */
final class LeaseHistory {

    /** What a worker did with a lease it got. */
    enum Fate {
        DELETED,
        STALLED,
        ABANDONED
    }

    record Lease(String task, int worker, String server, long etaUsec, long leaseUsec, Fate fate) {
        long startUsec() {
            return etaUsec - leaseUsec;
        }
    }

    private final Queue<Lease> leases = new ConcurrentLinkedQueue<>();
    /** Names whose delete answer said OK, once per OK. */
    private final Queue<String> deletedOk = new ConcurrentLinkedQueue<>();
    /** Names whose delete call broke off without an answer (it may or may not have committed). */
    private final Queue<String> deleteUnanswered = new ConcurrentLinkedQueue<>();

    void leased(Lease l) {
        leases.add(l);
    }

    void deletedOk(String task) {
        deletedOk.add(task);
    }

    void deleteUnanswered(String task) {
        deleteUnanswered.add(task);
    }

    long okDeletes() {
        return deletedOk.size();
    }

    List<Lease> leases(Fate fate) {
        return leases.stream().filter(l -> l.fate() == fate).toList();
    }

    /** Every violation found; empty when the history is sound. */
    List<String> violations(List<String> allTasks) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Lease>> byTask = new HashMap<>();
        for (Lease l : leases) {
            byTask.computeIfAbsent(l.task(), k -> new ArrayList<>()).add(l);
        }
        for (List<Lease> ls : byTask.values()) {
            ls.sort(Comparator.comparingLong(Lease::startUsec));
            for (int i = 1; i < ls.size(); i++) {
                Lease before = ls.get(i - 1);
                Lease after = ls.get(i);
                if (after.startUsec() < before.etaUsec()) {
                    problems.add("two valid leases at once: " + before + " and " + after);
                }
            }
        }
        Map<String, Integer> oks = new HashMap<>();
        deletedOk.forEach(n -> oks.merge(n, 1, Integer::sum));
        List<String> unanswered = List.copyOf(deleteUnanswered);
        for (String task : allTasks) {
            int n = oks.getOrDefault(task, 0);
            if (n > 1) {
                problems.add(task + " was deleted " + n + " times");
            } else if (n == 0 && !unanswered.contains(task)) {
                problems.add(task + " was never deleted");
            }
        }
        return problems;
    }

    /**
     * For each lease whose holder gave up on it (stalled or lost its server), the next lease of the same task:
     * it must not start before the given-up lease expired. Returns how many such re-leases were checked.
     */
    int checkReleasedOnlyAfterExpiry(Fate fate, List<String> problems) {
        int checked = 0;
        for (Lease gaveUp : leases(fate)) {
            Lease next = leases.stream()
                    .filter(l -> l.task().equals(gaveUp.task()) && l.startUsec() > gaveUp.startUsec())
                    .min(Comparator.comparingLong(Lease::startUsec))
                    .orElse(null);
            if (next == null) {
                continue;
            }
            checked++;
            if (next.startUsec() < gaveUp.etaUsec()) {
                problems.add("leased again before the " + fate + " lease expired: " + gaveUp + " then " + next);
            }
        }
        return checked;
    }
}
