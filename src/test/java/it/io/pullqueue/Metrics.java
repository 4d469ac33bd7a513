package it.io.pullqueue;

import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

/** Reads application metrics from {@code /metrics?scope=application} (Prometheus text format). */
public final class Metrics {
    private Metrics() {}

    /** The value of the first sample of {@code name} whose labels contain {@code labelFragment} (may be empty). */
    public static OptionalDouble value(String name, String labelFragment) {
        for (String line : Http.get("/metrics?scope=application").body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelFragment)) {
                String v = line.substring(line.lastIndexOf(' ') + 1);
                return OptionalDouble.of(Double.parseDouble(v));
            }
        }
        return OptionalDouble.empty();
    }

    /** Polls until the metric satisfies the predicate; fails after {@code seconds}. */
    public static double await(String name, String labelFragment, DoublePredicate ok, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        OptionalDouble last = OptionalDouble.empty();
        while (System.nanoTime() < deadline) {
            last = value(name, labelFragment);
            if (last.isPresent() && ok.test(last.getAsDouble())) {
                return last.getAsDouble();
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("metric " + name + " {" + labelFragment + "} did not reach the expected value in "
                + seconds + " s; last " + last);
    }
}
