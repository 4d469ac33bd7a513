package io.pullqueue.bench;

import java.util.List;

/** How big and how long each workload is, per mode. */
record Settings(String mode, int drainTasks, List<Integer> drainWorkers, List<Integer> drainBatches, int drainCapSeconds,
                int steadyProducers, int steadyWorkers, int steadySeconds, List<Integer> backlogSizes, int backlogIterations,
                List<Integer> ceilingWorkers, int ceilingSeconds, int payloadBytes) {

    Settings withPayload(int bytes) {
        return new Settings(mode, drainTasks, drainWorkers, drainBatches, drainCapSeconds, steadyProducers, steadyWorkers,
                steadySeconds, backlogSizes, backlogIterations, ceilingWorkers, ceilingSeconds, bytes);
    }

    Settings withCeiling(List<Integer> workers, int seconds) {
        return new Settings(mode, drainTasks, drainWorkers, drainBatches, drainCapSeconds, steadyProducers, steadyWorkers,
                steadySeconds, backlogSizes, backlogIterations, workers, seconds, payloadBytes);
    }

    static Settings of(String mode) {
        return switch (mode) {
            case "quick" -> new Settings(mode, 5_000, List.of(4), List.of(10, 1000), 2,
                    1, 2, 2, List.of(1_000, 5_000), 20, List.of(4), 2, 1024);
            case "medium" -> new Settings(mode, 100_000, List.of(1, 4, 16), List.of(1, 10, 100, 1000), 10,
                    2, 4, 15, List.of(10_000, 100_000, 1_000_000), 200, List.of(1, 4, 16), 5, 1024);
            case "full" -> new Settings(mode, 100_000, List.of(1, 4, 16), List.of(1, 10, 100, 1000), 60,
                    2, 4, 60, List.of(10_000, 100_000, 1_000_000), 500, List.of(1, 4, 16), 10, 1024);
            default -> throw new IllegalArgumentException("mode must be quick, medium or full: " + mode);
        };
    }
}
