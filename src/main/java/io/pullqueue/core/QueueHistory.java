package io.pullqueue.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A queue's samples over a window, merged into steps of {@code stepUsec} so that a long window still has few
 * points: each point carries the backlog at the end of its step and the activity summed over it.
 *
 * @param fromUsec the window's start
 * @param toUsec the window's end (now)
 * @param stepUsec the length of one point's step; activity per second is a point's count divided by it
 * @param points the steps that have samples, oldest first (steps without any are left out: the server was down)
 */
public record QueueHistory(long fromUsec, long toUsec, long stepUsec, List<QueueSample> points) {

    /**
     * Merges samples (ordered by time) into steps of at least {@code periodUsec}, at most about {@code maxPoints}
     * (steps start at multiples of their length since the epoch, so the same sample lands in the same step).
     */
    public static QueueHistory of(
            List<QueueSample> samples, long fromUsec, long toUsec, long periodUsec, int maxPoints) {
        long span = Math.max(1, toUsec - fromUsec);
        long step = Math.max(periodUsec, ceilDiv(span, maxPoints));
        step = ceilDiv(step, periodUsec) * periodUsec;
        List<QueueSample> points = new ArrayList<>();
        long current = Long.MIN_VALUE;
        for (QueueSample s : samples) {
            long at = Math.floorDiv(s.atUsec(), step) * step;
            if (at == current) {
                points.set(points.size() - 1, points.get(points.size() - 1).then(s));
            } else {
                current = at;
                points.add(new QueueSample(
                        at,
                        s.tasks(),
                        s.due(),
                        s.inFlight(),
                        s.oldestDueAgeUsec(),
                        s.added(),
                        s.leased(),
                        s.deleted()));
            }
        }
        return new QueueHistory(fromUsec, toUsec, step, List.copyOf(points));
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
