package io.pullqueue.bench;

import java.util.Arrays;
import java.util.Collection;

/** Latency samples in nanoseconds; one instance per thread, merged at the end. */
final class Latencies {
    private long[] values = new long[1024];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    static Latencies merge(Collection<Latencies> parts) {
        Latencies all = new Latencies();
        for (Latencies p : parts) {
            for (int i = 0; i < p.size; i++) {
                all.add(p.values[i]);
            }
        }
        Arrays.sort(all.values, 0, all.size);
        return all;
    }

    /** Percentile in milliseconds of a merged (sorted) instance; NaN when empty. */
    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * size) - 1;
        return values[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }

    double maxMillis() {
        return size == 0 ? Double.NaN : values[size - 1] / 1e6;
    }
}
