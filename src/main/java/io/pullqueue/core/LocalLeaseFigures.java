package io.pullqueue.core;

/** {@link LeaseFigures} kept in this server's memory: right for a store that only one server uses. */
public final class LocalLeaseFigures implements LeaseFigures {
    private final LeaseThrottle throttle = new LeaseThrottle();
    private final LeaseCounter counter = new LeaseCounter();

    @Override
    public boolean tryAcquire(String queue, int perSecond, long nowUsec) {
        return throttle.tryAcquire(queue, perSecond, nowUsec);
    }

    @Override
    public void record(String queue, int tasks, long nowUsec) {
        counter.record(queue, tasks, nowUsec);
    }

    @Override
    public Leased leased(String queue, long nowUsec) {
        return new Leased(counter.sum(queue, 60, nowUsec), counter.sum(queue, 3600, nowUsec));
    }
}
