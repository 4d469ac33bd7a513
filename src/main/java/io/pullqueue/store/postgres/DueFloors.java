package io.pullqueue.store.postgres;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where each queue's due tasks begin, as this server's last leases saw it: a lease may start its index scan there
 * ({@code eta_usec >= floor}) instead of at the queue's start.
 *
 * <p>Why: every task a lease takes or a delete removes leaves a dead entry at the front of the due index until
 * VACUUM removes it. While a large backlog drains, thousands of them pile up ahead of the first live task, and a
 * lease that starts at the queue's start walks them all: draining a backlog of a million with 16 workers leasing one
 * task each (bench/scale-out), that was 690 index entries and 1.3 ms of PostgreSQL's CPU per task, and one lease
 * statement took 20-70 ms instead of 0.1 ms (docs/scaling.md).
 *
 * <p>Why it is safe: a floor is the oldest ETA among the tasks that a lease of a full batch took. Every task below
 * it was, when that lease ran, gone, held by another transaction, or not yet committed. Such a task can become
 * leasable later only if that transaction rolls back, commits late, or adds a task with an ETA in the past, and
 * this server's own adds lower the floor themselves ({@link #lower}). The rest are found when a floor is not
 * trusted any more: a lease that comes back short falls back to a scan from the start in the same call (a lease
 * never answers "nothing" while tasks are due), a lease of a short batch forgets the floor, and a floor is used
 * for at most {@link #TRUST_USEC} after the scan from the start that set it. So a task another server adds
 * below the floor is leased at most a second later than an exact order would have it; nothing is lost or leased
 * twice, since the floor only narrows which rows the statement considers.
 */
final class DueFloors {
    /** No floor: scan from the queue's start. */
    static final long NONE = Long.MIN_VALUE;
    /** How long a floor is used after the scan from the start that set it. */
    static final long TRUST_USEC = 1_000_000;

    private record Floor(long etaUsec, long fullScanUsec) {}

    private final ConcurrentHashMap<String, Floor> floors = new ConcurrentHashMap<>();
    /** Bumped by every lowering: a scan that began before one does not set a floor from what it saw. */
    private final AtomicLong lowerings = new AtomicLong();

    /** The floor to scan from, or {@link #NONE}. */
    long floor(String queue, long nowUsec) {
        Floor f = floors.get(queue);
        if (f == null || nowUsec < f.fullScanUsec || nowUsec - f.fullScanUsec >= TRUST_USEC) {
            return NONE;
        }
        return f.etaUsec;
    }

    /** Taken before a lease statement runs, and handed back to {@link #afterLease}. */
    long stamp() {
        return lowerings.get();
    }

    /**
     * After a lease in {@code queue}: {@code filled} when it took as many tasks as it asked for (then
     * {@code oldestEtaUsec} is the oldest ETA among them), {@code fromStart} when it scanned from the start.
     */
    void afterLease(String queue, long nowUsec, long stamp, boolean fromStart, boolean filled, long oldestEtaUsec) {
        if (!filled || lowerings.get() != stamp) {
            floors.remove(queue);
        } else if (fromStart) {
            floors.put(queue, new Floor(oldestEtaUsec, nowUsec));
        } else {
            floors.computeIfPresent(
                    queue, (q, f) -> oldestEtaUsec > f.etaUsec ? new Floor(oldestEtaUsec, f.fullScanUsec) : f);
        }
    }

    /**
     * Before this server's add of tasks whose oldest ETA is {@code etaUsec} commits: a floor above it comes down to
     * it. {@code past} says the ETA is before the add's time: a lease running meanwhile may not see the add, so it
     * sets no floor from what it saw.
     */
    void lower(String queue, long etaUsec, boolean past) {
        Floor f = floors.get(queue);
        if (f != null && etaUsec < f.etaUsec || past) {
            lowerings.incrementAndGet();
            floors.computeIfPresent(queue, (q, g) -> etaUsec < g.etaUsec ? new Floor(etaUsec, g.fullScanUsec) : g);
        }
    }
}
